package engine

// This file holds what differs between the link kinds netlab makes
// (bridge, veth, vxlan, macvlan, vlan): how "ip link add" builds each, how
// a snapshot records a kind's details (a veth's peer, a vxlan's
// parameters, a macvlan's parent and mode, a vlan's parent and id) and
// words them, what makes a link the same
// link, and how undo makes one again. A new link kind is an edit here,
// beside its grammar in cmdline/ip_link.go; the rest of the link, the
// same for every kind, is op_link.go's.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/netlab/netlab/engine/cmdline"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// recreatable link kinds: the ones netlab can delete and create again.
// Others (lo, the kernel's fallback tunnels) are compared but never
// created or deleted.
var recreatable = map[string]bool{"bridge": true, "veth": true, "vxlan": true, "macvlan": true, "vlan": true}

// macvlanModeOf maps the mode words of "ip link add ... type macvlan mode"
// to netlink's modes.
var macvlanModeOf = map[string]netlink.MacvlanMode{
	"bridge": netlink.MACVLAN_MODE_BRIDGE, "private": netlink.MACVLAN_MODE_PRIVATE,
	"vepa": netlink.MACVLAN_MODE_VEPA, "passthru": netlink.MACVLAN_MODE_PASSTHRU,
}

// newLink builds the link "ip link add" asks for; release frees what must
// stay open until the link is made (a veth's peer namespace).
func (a *linkAdd) newLink(x *execCtx) (l netlink.Link, release func(), err error) {
	release = func() {}
	attrs := netlink.NewLinkAttrs()
	attrs.Name = a.Name
	switch a.Kind {
	case "bridge":
		l = &netlink.Bridge{LinkAttrs: attrs}
	case "veth":
		v := &netlink.Veth{LinkAttrs: attrs, PeerName: a.Peer}
		if a.PeerNetns != "" {
			o, err := x.other(a.PeerNetns)
			if err != nil {
				return nil, release, err
			}
			fd, err := openNS(o.node.Path)
			if err != nil {
				return nil, release, err
			}
			release = func() { unix.Close(fd) }
			v.PeerNamespace = netlink.NsFd(fd)
		} else if _, err := x.h.LinkByName(a.Peer); err == nil {
			return nil, release, errors.New("RTNETLINK answers: File exists")
		}
		l = v
	case "vxlan":
		// made by add from a's options: the netlink library has no
		// "ttl inherit"
		if a.Vxlan.Dev != "" {
			if _, err := x.link(a.Vxlan.Dev); err != nil {
				return nil, release, err
			}
		}
	case "vlan":
		p, err := x.link(a.Parent)
		if err != nil {
			return nil, release, err
		}
		if !x.hasVlanSupport() {
			return nil, release, missingFeature("vlan")
		}
		attrs.ParentIndex = p.Attrs().Index
		l = &netlink.Vlan{LinkAttrs: attrs, VlanId: a.VlanID}
	case "macvlan":
		p, err := x.link(a.Parent)
		if err != nil {
			return nil, release, err
		}
		attrs.ParentIndex = p.Attrs().Index
		l = &netlink.Macvlan{LinkAttrs: attrs, Mode: macvlanModeOf[a.Mode]}
	}
	return l, release, nil
}

// add asks the kernel for the link newLink built (a vxlan it builds
// itself), with ip's words for its refusals; a kind this kernel was built
// without is a *MissingFeatureError.
func (a *linkAdd) add(x *execCtx, l netlink.Link) error {
	var err error
	if a.Kind == "vxlan" {
		err = x.do(func() error { return addVxlan(x, a.Name, a.Vxlan) })
	} else {
		err = x.h.LinkAdd(l)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return errors.New("RTNETLINK answers: File exists")
	case errors.Is(err, unix.EOPNOTSUPP):
		return missingFeature(a.Kind)
	}
	return fmt.Errorf("RTNETLINK answers: %w", err)
}

// addVxlan makes a vxlan link with RTM_NEWLINK as ip does, sending only
// the options the line gave (and learning, which ip always sends); it runs
// on a thread inside the node's namespace.
func addVxlan(x *execCtx, name string, v *cmdline.Vxlan) error {
	req := nl.NewNetlinkRequest(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK)
	req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
	req.AddData(nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(name)))
	info := nl.NewRtAttr(unix.IFLA_LINKINFO, nil)
	info.AddRtAttr(nl.IFLA_INFO_KIND, nl.NonZeroTerminated("vxlan"))
	data := info.AddRtAttr(nl.IFLA_INFO_DATA, nil)
	data.AddRtAttr(unix.IFLA_VXLAN_ID, nl.Uint32Attr(uint32(v.ID)))
	if g := v.Group; g != nil {
		data.AddRtAttr(unix.IFLA_VXLAN_GROUP, g.To4())
	} else if r := v.Remote; r != nil {
		data.AddRtAttr(unix.IFLA_VXLAN_GROUP, r.To4())
	}
	if v.Local != nil {
		data.AddRtAttr(unix.IFLA_VXLAN_LOCAL, v.Local.To4())
	}
	if v.Dev != "" {
		d, err := x.h.LinkByName(v.Dev)
		if err != nil {
			return fmt.Errorf("Cannot find device %q", v.Dev)
		}
		data.AddRtAttr(unix.IFLA_VXLAN_LINK, nl.Uint32Attr(uint32(d.Attrs().Index)))
	}
	if v.TTL != 0 {
		data.AddRtAttr(unix.IFLA_VXLAN_TTL, nl.Uint8Attr(uint8(v.TTL)))
	}
	if v.TTLInherit {
		data.AddRtAttr(unix.IFLA_VXLAN_TTL_INHERIT, []byte{}) // a flag: no payload
	}
	data.AddRtAttr(unix.IFLA_VXLAN_LEARNING, boolByte(!v.NoLearning))
	for _, f := range []struct {
		on  bool
		typ int
	}{{v.Proxy, unix.IFLA_VXLAN_PROXY}, {v.L2miss, unix.IFLA_VXLAN_L2MISS}, {v.L3miss, unix.IFLA_VXLAN_L3MISS}} {
		if f.on {
			data.AddRtAttr(f.typ, nl.Uint8Attr(1))
		}
	}
	if v.PortLow != 0 || v.PortHigh != 0 {
		r := make([]byte, 4)
		binary.BigEndian.PutUint16(r, uint16(v.PortLow))
		binary.BigEndian.PutUint16(r[2:], uint16(v.PortHigh))
		data.AddRtAttr(unix.IFLA_VXLAN_PORT_RANGE, r)
	}
	port := make([]byte, 2)
	binary.BigEndian.PutUint16(port, uint16(v.Port))
	data.AddRtAttr(unix.IFLA_VXLAN_PORT, port)
	req.AddData(info)
	_, err := req.Execute(unix.NETLINK_ROUTE, 0)
	return err
}

func boolByte(b bool) []byte {
	if b {
		return []byte{1}
	}
	return []byte{0}
}

// hasVlanSupport reports whether 802.1Q is in the running kernel (built in
// or loaded): 8021q then shows /proc/net/vlan in every namespace. Asked
// before "ip link add ... type vlan", since asking the kernel for an
// unknown kind makes it try to load the module itself, and netlab never
// loads modules.
func (x *execCtx) hasVlanSupport() bool {
	ok := false
	x.do(func() error {
		_, err := os.Stat("/proc/thread-self/net/vlan") // this thread's namespace
		ok = err == nil
		return nil
	})
	return ok
}

// MissingFeatureError is a link kind the running kernel refuses because
// it was built (or booted) without it, as this machine has no 802.1Q
// module: the step cannot run here, which is not the lab's fault. The
// runner reports such a step as skipped, with Error's words.
type MissingFeatureError struct {
	Kind    string // the link kind asked for, "vlan"
	Feature string // the kernel feature, "802.1Q VLAN support (module 8021q)"
}

func (e *MissingFeatureError) Error() string {
	return fmt.Sprintf("this kernel has no %s, so it cannot make a %s link; netlab never loads kernel modules", e.Feature, e.Kind)
}

// kindFeatures names the kernel feature behind each link kind.
var kindFeatures = map[string]string{
	"vlan":    "802.1Q VLAN support (module 8021q)",
	"vxlan":   "VXLAN support (module vxlan)",
	"macvlan": "MACVLAN support (module macvlan)",
	"bridge":  "bridge support (module bridge)",
	"veth":    "virtual ethernet pairs (module veth)",
}

func missingFeature(kind string) *MissingFeatureError {
	f, ok := kindFeatures[kind]
	if !ok {
		f = "support for " + kind + " links"
	}
	return &MissingFeatureError{Kind: kind, Feature: f}
}

// checkKind checks what the line asked of the kind: a vxlan's id, ports
// and options, a vlan's id.
func (a *linkAdd) checkKind(x *execCtx, l netlink.Link) error {
	var got, want string
	switch a.Kind {
	case "vxlan":
		ls := LinkSnap{}
		snapKind(&ls, l, x.node.Name, nil, nil)
		snapKindRaw(x, &ls, l)
		v := a.Vxlan
		w := VxlanSnap{ID: v.ID, Port: v.Port, NoLearning: v.NoLearning, Proxy: v.Proxy, L2miss: v.L2miss,
			L3miss: v.L3miss, TTL: v.TTL, TTLInherit: v.TTLInherit, PortLow: v.PortLow, PortHigh: v.PortHigh}
		g := *ls.VXLAN
		g.Local, g.Group, g.Dev = "", "", ""
		got, want = vxlanText(g), vxlanText(w)
	case "vlan":
		if v, ok := l.(*netlink.Vlan); ok {
			got, want = fmt.Sprintf("id %d", v.VlanId), fmt.Sprintf("id %d", a.VlanID)
		}
	}
	if got != want {
		return problem("check.link.options", "{{.Kind}} {{.Dev}} on {{.Node}} has {{.Got}}, should have {{.Want}}",
			"Kind", a.Kind, "Dev", a.Name, "Node", x.node.Name, "Got", got, "Want", want)
	}
	return nil
}

func vxlanText(v VxlanSnap) string {
	return strings.Join(append([]string{fmt.Sprintf("id %d dstport %d", v.ID, v.Port)}, v.words()...), " ")
}

// snapKind records the details of l's kind: a veth's peer and a vxlan's
// or macvlan's parent, named from the links of the node they live in.
func snapKind(ls *LinkSnap, l netlink.Link, node string, nsids map[int]string, names map[string]map[int]string) {
	at := l.Attrs()
	switch v := l.(type) {
	case *netlink.Veth:
		peerNode := node
		if at.NetNsID >= 0 {
			peerNode = nsids[at.NetNsID]
		}
		if at.ParentIndex > 0 { // IFLA_LINK: the peer's index in its namespace
			ls.Peer = peerNode + "/" + names[peerNode][at.ParentIndex]
		}
	case *netlink.Vxlan:
		vs := &VxlanSnap{ID: v.VxlanId, Port: v.Port, NoLearning: !v.Learning, Proxy: v.Proxy,
			L2miss: v.L2miss, L3miss: v.L3miss, TTL: v.TTL, PortLow: v.PortLow, PortHigh: v.PortHigh}
		if v.SrcAddr != nil {
			vs.Local = v.SrcAddr.String()
		}
		if v.Group != nil {
			vs.Group = v.Group.String()
		}
		if v.VtepDevIndex > 0 {
			vs.Dev = names[node][v.VtepDevIndex]
		}
		ls.VXLAN = vs
	case *netlink.Vlan:
		ls.Parent = names[node][at.ParentIndex]
		ls.VlanID = v.VlanId
	case *netlink.Macvlan:
		ls.Parent = names[node][at.ParentIndex]
		for k, m := range macvlanModeOf {
			if m == v.Mode {
				ls.Mode = k
			}
		}
	}
}

// kindWords are the details of the link's kind in its comparable line.
func (l LinkSnap) kindWords() []string {
	var parts []string
	if l.Peer != "" {
		parts = append(parts, "peer="+l.Peer)
	}
	if v := l.VXLAN; v != nil {
		parts = append(parts, fmt.Sprintf("vxlan-id=%d", v.ID), fmt.Sprintf("dstport=%d", v.Port))
		for _, kv := range [][2]string{{"local", v.Local}, {"group", v.Group}, {"dev", v.Dev}} {
			if kv[1] != "" {
				parts = append(parts, kv[0]+"="+kv[1])
			}
		}
		parts = append(parts, v.words()...)
	}
	if l.Parent != "" && l.Kind == "vlan" {
		parts = append(parts, "parent="+l.Parent, fmt.Sprintf("vlan-id=%d", l.VlanID))
	} else if l.Parent != "" {
		parts = append(parts, "parent="+l.Parent, "mode="+l.Mode)
	}
	return parts
}

// words are a vxlan's options that differ from the kernel's defaults, in
// ip's words.
func (v VxlanSnap) words() []string {
	var w []string
	for _, f := range []struct {
		on   bool
		word string
	}{{v.NoLearning, "nolearning"}, {v.Proxy, "proxy"}, {v.L2miss, "l2miss"}, {v.L3miss, "l3miss"}, {v.TTLInherit, "ttl=inherit"}} {
		if f.on {
			w = append(w, f.word)
		}
	}
	if v.TTL != 0 {
		w = append(w, fmt.Sprintf("ttl=%d", v.TTL))
	}
	if v.PortLow != 0 || v.PortHigh != 0 {
		w = append(w, fmt.Sprintf("srcport=%d-%d", v.PortLow, v.PortHigh))
	}
	return w
}

// snapKindRaw records what snapKind cannot read through the netlink
// library: a vxlan's "ttl inherit".
func snapKindRaw(x *execCtx, ls *LinkSnap, l netlink.Link) {
	if ls.VXLAN == nil {
		return
	}
	if r, err := x.rawLink(l.Attrs().Index); err == nil {
		// written as a flag, read back as a u8
		ls.VXLAN.TTLInherit = u8(r.data[unix.IFLA_VXLAN_TTL_INHERIT]) != 0
	}
}

// identity is what makes a link the same link: recreating is the only way
// to change any of it.
func (l LinkSnap) identity() string {
	id := l.Kind + "|" + l.Peer + "|" + l.Parent + "|" + l.Mode
	if l.VlanID != 0 {
		id += fmt.Sprintf("|vlan %d", l.VlanID)
	}
	if l.VXLAN != nil {
		id += fmt.Sprintf("|%+v", *l.VXLAN)
	}
	return id
}

// createLink makes one link from its snapshot; false means a link it
// depends on does not exist yet.
func (s *Session) createLink(x *execCtx, l LinkSnap) (bool, error) {
	a := &linkAdd{cmdline.LinkAdd{Name: l.Name, Kind: l.Kind}}
	switch l.Kind {
	case "veth":
		peerNode, peerName, _ := strings.Cut(l.Peer, "/")
		a.Peer = peerName
		if peerNode != x.node.Name {
			a.PeerNetns = peerNode
		}
	case "vxlan":
		v := l.VXLAN
		a.Vxlan = &cmdline.Vxlan{ID: v.ID, Port: v.Port, Local: net.ParseIP(v.Local), Dev: v.Dev,
			NoLearning: v.NoLearning, Proxy: v.Proxy, L2miss: v.L2miss, L3miss: v.L3miss,
			TTL: v.TTL, TTLInherit: v.TTLInherit, PortLow: v.PortLow, PortHigh: v.PortHigh}
		if g := net.ParseIP(v.Group); g != nil {
			if g.IsMulticast() {
				a.Vxlan.Group = g
			} else {
				a.Vxlan.Remote = g
			}
		}
		if v.Dev != "" {
			if _, err := x.h.LinkByName(v.Dev); err != nil {
				return false, nil
			}
		}
	case "vlan":
		a.Parent, a.VlanID = l.Parent, l.VlanID
		if _, err := x.h.LinkByName(l.Parent); err != nil {
			return false, nil
		}
	case "macvlan":
		a.Parent, a.Mode = l.Parent, l.Mode
		if _, err := x.h.LinkByName(l.Parent); err != nil {
			return false, nil
		}
	}
	_, err := a.run(x)
	return err == nil, err
}
