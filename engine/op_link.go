package engine

// This file holds the link as a kernel object. "ip link add|set|del" (and
// brctl's and ifconfig's forms of them) make, change and delete links and
// check that they did. A snapshot reads each link's kind, master, admin
// state, carrier and operstate, MTU, MAC and promiscuity and lists it as
// one fact; undo deletes, makes anew and sets links until they are as
// recorded. What differs by link kind is op_link_kinds.go's; a link's
// addresses are op_addr.go's.

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/netlab/netlab/engine/cmdline"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// linkAdd runs "ip link add" (and "brctl addbr").
type linkAdd struct{ cmdline.LinkAdd }

// decides: a new link decides that it exists.
func (a *linkAdd) decides(node string) []string { return []string{node + "/" + a.Name + ":exists"} }

func (a *linkAdd) run(x *execCtx) (string, error) {
	l, release, err := a.newLink(x)
	if err != nil {
		return "", err
	}
	defer release()
	return "", a.add(x, l)
}

func (a *linkAdd) check(x *execCtx) error {
	l, err := x.h.LinkByName(a.Name)
	if err != nil {
		return problem("check.iface.missing", "interface {{.Dev}} does not exist on {{.Node}}", "Dev", a.Name, "Node", x.node.Name)
	}
	if l.Type() != a.Kind {
		return problem("check.iface.kind", "interface {{.Dev}} on {{.Node}} is a {{.Kind}}, not a {{.Want}}", "Dev", a.Name, "Node", x.node.Name, "Kind", l.Type(), "Want", a.Kind)
	}
	return a.checkKind(x, l)
}

// linkSet runs "ip link set" (and brctl addif/delif, ifconfig flags).
type linkSet struct {
	cmdline.LinkSet
	// into is the node that Netns names, resolved on the host the action
	// runs on ("1-722bc7739c@host2"); Check sets it, "" is Netns itself.
	into string
}

// decides: each attribute set, and the link's whole name when it moves or
// is renamed (it is no longer here under that name). The attributes are
// those of the link where it ends up (see lands).
func (a *linkSet) decides(node string) []string {
	var fs []string
	if a.Netns != "" || a.NewName != "" {
		fs = append(fs, node+"/"+a.Dev)
	}
	for _, f := range a.fields() {
		fs = append(fs, a.lands(node)+":"+f)
	}
	return fs
}

// lands is "node/name" of the link once the action ran: in the namespace
// it was moved to, under its new name.
func (a *linkSet) lands(node string) string {
	if a.Netns != "" {
		node = a.Netns
		if a.into != "" {
			node = a.into
		}
	}
	if a.NewName != "" {
		return node + "/" + a.NewName
	}
	return node + "/" + a.Dev
}

func (a *linkSet) run(x *execCtx) (string, error) {
	l, err := x.link(a.Dev)
	if err != nil {
		return "", err
	}
	h := x.h
	if a.Netns != "" {
		o, err := x.other(a.Netns)
		if err != nil {
			return "", err
		}
		fd, err := openNS(o.node.Path)
		if err != nil {
			return "", err
		}
		err = h.LinkSetNsFd(l, fd)
		unix.Close(fd)
		if err != nil {
			return "", fmt.Errorf("RTNETLINK answers: %w", err)
		}
		if l, err = o.h.LinkByName(a.Dev); err != nil {
			return "", err
		}
		h = o.h
	}
	wrap := func(err error) error {
		if err == nil {
			return nil
		}
		return fmt.Errorf("RTNETLINK answers: %w", err)
	}
	if a.NewName != "" {
		if err := wrap(h.LinkSetName(l, a.NewName)); err != nil {
			return "", err
		}
	}
	if a.MTU != 0 {
		if err := wrap(h.LinkSetMTU(l, a.MTU)); err != nil {
			return "", err
		}
	}
	if a.MAC != nil {
		if err := wrap(h.LinkSetHardwareAddr(l, a.MAC)); err != nil {
			return "", err
		}
	}
	if a.Promisc != nil {
		f := h.SetPromiscOff
		if *a.Promisc {
			f = h.SetPromiscOn
		}
		if err := wrap(f(l)); err != nil {
			return "", err
		}
	}
	if a.Hairpin != nil {
		if err := x.requireBridge(a.FromBridge); err != nil {
			return "", err
		}
		if l.Attrs().MasterIndex == 0 || masterName(h, l) != a.FromBridge {
			return "", fmt.Errorf("device %s is not a slave of %s", a.Dev, a.FromBridge)
		}
		if err := wrap(h.LinkSetHairpin(l, *a.Hairpin)); err != nil {
			return "", err
		}
	}
	if a.Master != nil {
		if *a.Master == "" {
			if a.FromBridge != "" {
				if err := x.requireBridge(a.FromBridge); err != nil {
					return "", err
				}
				if l.Attrs().MasterIndex == 0 || masterName(h, l) != a.FromBridge {
					return "", fmt.Errorf("device %s is not a slave of %s", a.Dev, a.FromBridge)
				}
			}
			if err := wrap(h.LinkSetNoMaster(l)); err != nil {
				return "", err
			}
		} else {
			br, err := h.LinkByName(*a.Master)
			if err != nil {
				return "", fmt.Errorf("bridge %s does not exist", *a.Master)
			}
			if br.Type() != "bridge" {
				return "", fmt.Errorf("%s is a %s, not a bridge", *a.Master, br.Type())
			}
			if err := wrap(h.LinkSetMasterByIndex(l, br.Attrs().Index)); err != nil {
				return "", err
			}
		}
	}
	if a.Up != nil {
		f := h.LinkSetDown
		if *a.Up {
			f = h.LinkSetUp
		}
		if err := wrap(f(l)); err != nil {
			return "", err
		}
	}
	return "", nil
}

// fields lists which attributes the action sets, as the names of what it decides.
func (a *linkSet) fields() []string {
	var fs []string
	if a.Up != nil {
		fs = append(fs, "up")
	}
	if a.Master != nil {
		fs = append(fs, "master")
	}
	if a.Promisc != nil {
		fs = append(fs, "promisc")
	}
	if a.Hairpin != nil {
		fs = append(fs, "hairpin")
	}
	if a.MTU != 0 {
		fs = append(fs, "mtu")
	}
	if a.MAC != nil {
		fs = append(fs, "mac")
	}
	return fs
}

// clear forgets one attribute, so a check no longer asks for it.
func (a *linkSet) clear(field string) {
	switch field {
	case "up":
		a.Up = nil
	case "master":
		a.Master = nil
	case "promisc":
		a.Promisc = nil
	case "hairpin":
		a.Hairpin = nil
	case "mtu":
		a.MTU = 0
	case "mac":
		a.MAC = nil
	}
}

// requireBridge fails as brctl does when name is not a bridge of the node.
func (x *execCtx) requireBridge(name string) error {
	br, err := x.h.LinkByName(name)
	if err != nil || br.Type() != "bridge" {
		return fmt.Errorf("bridge %s does not exist", name)
	}
	return nil
}

// masterName is the name of l's master, or "" for none.
func masterName(h *netlink.Handle, l netlink.Link) string {
	if l.Attrs().MasterIndex == 0 {
		return ""
	}
	m, err := h.LinkByIndex(l.Attrs().MasterIndex)
	if err != nil {
		return ""
	}
	return m.Attrs().Name
}

func (a *linkSet) check(x *execCtx) error {
	h, where := x.h, x.node.Name
	if a.Netns != "" {
		o, err := x.other(a.Netns)
		if err != nil {
			return problem("check.netns.missing", "namespace {{.Name}} does not exist", "Name", a.Netns)
		}
		h, where = o.h, a.Netns
	}
	name := a.Dev
	if a.NewName != "" {
		name = a.NewName
	}
	l, err := h.LinkByName(name)
	if err != nil {
		return problem("check.iface.notin", "interface {{.Dev}} is not in {{.Node}}", "Dev", name, "Node", where)
	}
	at := l.Attrs()
	if a.Up != nil && (at.Flags&net.FlagUp != 0) != *a.Up {
		return upProblem(name, where, *a.Up)
	}
	if a.Master != nil {
		if got := masterName(h, l); got != *a.Master {
			if *a.Master == "" {
				return problem("check.master.still", "interface {{.Dev}} on {{.Node}} is still attached to {{.Master}}", "Dev", name, "Node", where, "Master", got)
			}
			return problem("check.master.missing", "interface {{.Dev}} on {{.Node}} is not attached to bridge {{.Master}}", "Dev", name, "Node", where, "Master", *a.Master)
		}
	}
	if a.Promisc != nil && userPromisc(at) != *a.Promisc {
		return promiscProblem(name, where, *a.Promisc)
	}
	if a.Hairpin != nil && hairpin(h, l) != *a.Hairpin {
		return problem("check.hairpin", "hairpin mode of {{.Dev}} on {{.Node}} is not {{.Want}}", "Dev", name, "Node", where, "Want", map[bool]string{true: "on", false: "off"}[*a.Hairpin])
	}
	if a.MTU != 0 && at.MTU != a.MTU {
		return problem("check.mtu", "MTU of {{.Dev}} on {{.Node}} is {{.Got}}, not {{.Want}}", "Dev", name, "Node", where, "Got", at.MTU, "Want", a.MTU)
	}
	if a.MAC != nil && !bytes.Equal(at.HardwareAddr, a.MAC) {
		return problem("check.mac", "MAC address of {{.Dev}} on {{.Node}} is {{.Got}}, not {{.Want}}", "Dev", name, "Node", where, "Got", at.HardwareAddr, "Want", a.MAC)
	}
	return nil
}

// upDown is an admin state as ip words it.
func upDown(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

// linkDel runs "ip link del" (and "brctl delbr").
type linkDel struct{ cmdline.LinkDel }

// decides: deleting a link decides everything about it.
func (a *linkDel) decides(node string) []string { return []string{node + "/" + a.Dev} }

func (a *linkDel) run(x *execCtx) (string, error) {
	l, err := x.h.LinkByName(a.Dev)
	if err != nil {
		if a.BridgeOnly {
			return "", fmt.Errorf("bridge %s doesn't exist; can't delete it", a.Dev)
		}
		return "", fmt.Errorf("Cannot find device %q", a.Dev)
	}
	if a.BridgeOnly {
		if l.Type() != "bridge" {
			return "", fmt.Errorf("%s is not a bridge; can't delete it", a.Dev)
		}
		if l.Attrs().Flags&net.FlagUp != 0 {
			return "", fmt.Errorf("bridge %s is still up; can't delete it", a.Dev)
		}
	}
	if err := x.deleteLink(l); err != nil {
		return "", fmt.Errorf("RTNETLINK answers: %w", err)
	}
	return "", nil
}

func (a *linkDel) check(x *execCtx) error {
	if _, err := x.h.LinkByName(a.Dev); err == nil {
		return problem("check.iface.still", "interface {{.Dev}} still exists on {{.Node}}", "Dev", a.Dev, "Node", x.node.Name)
	}
	return nil
}

// userPromisc reports promiscuous mode as set by "ip link set promisc on":
// the kernel's interface flags carry that one, while the promiscuity
// counter also counts packet sockets such as a running capture.
func userPromisc(at *netlink.LinkAttrs) bool { return at.RawFlags&unix.IFF_PROMISC != 0 }

// linkObject is a node's links.
type linkObject struct{}

func (linkObject) kind() string { return "link" }

func (linkObject) read(r *nodeReader, ns *NodeSnap) error {
	hairpins, inherits := r.ports()
	for _, l := range r.links.links {
		ls := linkSnap(l, r.node.Name, r.nsids, r.names)
		if ls.VXLAN != nil {
			ls.VXLAN.TTLInherit = inherits[l.Attrs().Index]
		}
		if ls.Master != "" {
			ls.Hairpin = hairpins[l.Attrs().Index]
		}
		ns.Links = append(ns.Links, ls)
	}
	sort.Slice(ns.Links, func(i, j int) bool { return ns.Links[i].Name < ns.Links[j].Name })
	return nil
}

// facts lists each link followed by its addresses (see addrObject.facts).
func (linkObject) facts(node string, n *NodeSnap, learned bool) []fact {
	var fs []fact
	for _, l := range n.Links {
		random := learned && randomMAC(n, l)
		f := fact{node, "link", l.Name, l.describe(learned), ""}
		if learned {
			f.cmp = l.comparable(random).describe(true)
		}
		fs = append(fs, f)
		fs = append(fs, addrFacts(node, l, learned, random)...)
	}
	return fs
}

// restoreLab deletes the links that are not wanted or not the same link
// any more, makes the missing ones, then sets every node's links'
// attributes: every node's links first, since a veth's carrier depends
// on its peer, which may live in a node that comes later.
func (linkObject) restoreLab(rc *reconciler) error {
	s, want := rc.s, rc.want
	have, err := rc.current()
	if err != nil {
		return err
	}
	for _, name := range want.Order {
		if err := s.deleteStrayLinks(name, want.Nodes[name], have.Nodes[name], want.Learned); err != nil {
			rc.fail(err)
		}
	}
	if err := s.createMissingLinks(want); err != nil {
		rc.fail(err)
	}
	for _, name := range want.Order {
		x, err := s.ctx(name)
		if err != nil {
			return err
		}
		if err := setLinkAttrs(x, want.Nodes[name]); err != nil {
			rc.fail(fmt.Errorf("%s: %w", name, err))
		}
	}
	return nil
}

// linkSnap records a link; the details of its kind are snapKind's.
func linkSnap(l netlink.Link, node string, nsids map[int]string, names map[string]map[int]string) LinkSnap {
	at := l.Attrs()
	ls := LinkSnap{Name: at.Name, Kind: l.Type(), Up: at.Flags&net.FlagUp != 0, MTU: at.MTU,
		MAC: at.HardwareAddr.String(), Master: names[node][at.MasterIndex], Promisc: userPromisc(at),
		Carrier: at.RawFlags&unix.IFF_LOWER_UP != 0, Oper: operWord(at.OperState)}
	snapKind(&ls, l, node, nsids, names)
	snapLinkNet(&ls, l, node, nsids, names)
	return ls
}

// describe is the link's comparable line; learned adds carrier and
// operstate ("carrier=yes oper=UP").
func (l LinkSnap) describe(learned bool) string {
	parts := []string{l.Name, l.Kind, upDown(l.Up), fmt.Sprintf("mtu=%d", l.MTU)}
	if learned {
		parts = append(parts, "carrier="+map[bool]string{true: "yes", false: "no"}[l.Carrier], "oper="+l.Oper)
	}
	if l.MAC != "" {
		parts = append(parts, "mac="+l.MAC)
	}
	if l.Master != "" {
		parts = append(parts, "master="+l.Master)
	}
	if l.Promisc {
		parts = append(parts, "promisc")
	}
	if l.Hairpin {
		parts = append(parts, "hairpin")
	}
	parts = append(parts, l.kindWords()...)
	if l.Net != "" {
		parts = append(parts, "link-net="+l.Net)
	}
	return strings.Join(parts, " ")
}

// comparable is the link as compared: LOWERLAYERDOWN counts as DOWN,
// since the kernel says LOWERLAYERDOWN for a veth without carrier only
// when its peer's index happens to name a link in the veth's own
// namespace (so it depends on which namespace the peer was in when the
// carrier last changed); and a random MAC (see randomMAC) as any other.
func (l LinkSnap) comparable(random bool) LinkSnap {
	if l.Oper == "LOWERLAYERDOWN" {
		l.Oper = "DOWN"
	}
	if random {
		l.MAC = "random"
	}
	return l
}

// randomMAC reports whether l is a bridge whose MAC only the kernel chose,
// at random: one that is up with carrier and has no port. Setting a
// bridge's MAC, or giving it a port and taking it away, leaves it without
// carrier for good, so only a bridge that never had either looks so; undo
// makes such a bridge anew (see staleBridge) and its new MAC is as good as
// the old one: a fresh run of the steps would pick yet another.
func randomMAC(n *NodeSnap, l LinkSnap) bool {
	return l.Kind == "bridge" && l.Up && l.Carrier && ports(n, l.Name) == 0
}

// findLink is the link called name in ls, or nil.
func findLink(ls []LinkSnap, name string) *LinkSnap {
	for i := range ls {
		if ls[i].Name == name {
			return &ls[i]
		}
	}
	return nil
}

// deleteStrayLinks deletes the links of node that want does not hold, or
// holds as another link (see identity, staleBridge).
func (s *Session) deleteStrayLinks(node string, want, have *NodeSnap, wantLearned bool) error {
	if have == nil {
		return nil
	}
	x, err := s.ctx(node)
	if err != nil {
		return err
	}
	for _, l := range have.Links {
		w := findLink(want.Links, l.Name)
		if w != nil && sameLink(*w, l) && !(wantLearned && staleBridge(want, w, have, l)) {
			continue
		}
		if !recreatable[l.Kind] {
			continue
		}
		if link, err := x.h.LinkByName(l.Name); err == nil {
			if err := x.deleteLink(link); err != nil && !errors.Is(err, unix.ENODEV) {
				return fmt.Errorf("delete %s on %s: %w", l.Name, node, err)
			}
		}
	}
	return nil
}

// staleBridge reports whether a bridge must be made anew to look as it
// did: a bridge that never had a port has carrier (state UNKNOWN), but
// once a port came and went the kernel keeps it without carrier (state
// DOWN, and a zero MAC), whatever is done to it. Only a new bridge is
// again as a fresh run of the steps before leaves it.
func staleBridge(want *NodeSnap, w *LinkSnap, have *NodeSnap, h LinkSnap) bool {
	if w.Kind != "bridge" || !w.Carrier || ports(want, w.Name) > 0 {
		return false
	}
	// Down, it cannot tell whether it had ports: making it anew is safe.
	return !h.Carrier || ports(have, h.Name) > 0
}

// ports counts the links of n whose master is bridge.
func ports(n *NodeSnap, bridge string) int {
	c := 0
	for _, l := range n.Links {
		if l.Master == bridge {
			c++
		}
	}
	return c
}

// createMissingLinks makes the links want holds and the kernel lacks, in
// passes, since a link may need a parent made in a later node or pass.
func (s *Session) createMissingLinks(want *Snapshot) error {
	for pass := 0; pass < 4; pass++ {
		pending := 0
		for _, name := range want.Order {
			x, err := s.ctx(name)
			if err != nil {
				return err
			}
			for _, l := range want.Nodes[name].Links {
				if !recreatable[l.Kind] {
					continue
				}
				if _, err := x.h.LinkByName(l.Name); err == nil {
					continue
				}
				x.ids = true // a snapshot names peers' nodes by id
				create := s.createLink
				if l.Net != "" {
					create = s.createInLinkNet
				}
				ok, err := create(x, l)
				if err != nil {
					return fmt.Errorf("recreate %s on %s: %w", l.Name, name, err)
				}
				if !ok {
					pending++
				}
			}
		}
		if pending == 0 {
			return nil
		}
	}
	return errors.New("some links could not be recreated: their parents are missing")
}

// setLinkAttrs sets each link of the node as w records it: master, MAC,
// MTU and promiscuity, then admin state.
func setLinkAttrs(x *execCtx, w *NodeSnap) error {
	for _, l := range w.Links {
		link, err := x.h.LinkByName(l.Name)
		if err != nil {
			return fmt.Errorf("link %s is missing", l.Name)
		}
		at := link.Attrs()
		if m := masterName(x.h, link); m != l.Master {
			if l.Master == "" {
				err = x.h.LinkSetNoMaster(link)
			} else if br, e := x.h.LinkByName(l.Master); e == nil {
				err = x.h.LinkSetMasterByIndex(link, br.Attrs().Index)
			} else {
				err = e
			}
			if err != nil {
				return fmt.Errorf("master of %s: %w", l.Name, err)
			}
		}
		if link, err = x.h.LinkByName(l.Name); err != nil {
			return err
		}
		at = link.Attrs()
		if at.HardwareAddr.String() != l.MAC && l.MAC != "" && !randomMAC(w, l) {
			mac, _ := net.ParseMAC(l.MAC)
			if at.Flags&net.FlagUp != 0 {
				x.h.LinkSetDown(link)
			}
			if err := x.h.LinkSetHardwareAddr(link, mac); err != nil {
				return fmt.Errorf("MAC of %s: %w", l.Name, err)
			}
		}
		if at.MTU != l.MTU {
			if err := x.h.LinkSetMTU(link, l.MTU); err != nil {
				return fmt.Errorf("MTU of %s: %w", l.Name, err)
			}
		}
		if userPromisc(at) != l.Promisc {
			f := x.h.SetPromiscOff
			if l.Promisc {
				f = x.h.SetPromiscOn
			}
			if err := f(link); err != nil {
				return err
			}
		}
		if l.Master != "" && hairpin(x.h, link) != l.Hairpin {
			if err := x.h.LinkSetHairpin(link, l.Hairpin); err != nil {
				return fmt.Errorf("hairpin of %s: %w", l.Name, err)
			}
		}
	}
	// Admin state last, after every port has its master and MAC.
	for _, l := range w.Links {
		link, err := x.h.LinkByName(l.Name)
		if err != nil {
			return err
		}
		if (link.Attrs().Flags&net.FlagUp != 0) != l.Up {
			f := x.h.LinkSetDown
			if l.Up {
				f = x.h.LinkSetUp
			}
			if err := f(link); err != nil {
				return fmt.Errorf("set %s %s: %w", l.Name, upDown(l.Up), err)
			}
		}
	}
	return nil
}

// operWord is the operstate as "ip link" prints it after "state".
func operWord(s netlink.LinkOperState) string {
	switch s {
	case netlink.OperUp:
		return "UP"
	case netlink.OperDown:
		return "DOWN"
	case netlink.OperLowerLayerDown:
		return "LOWERLAYERDOWN"
	case netlink.OperDormant:
		return "DORMANT"
	case netlink.OperNotPresent:
		return "NOTPRESENT"
	case netlink.OperTesting:
		return "TESTING"
	}
	return "UNKNOWN"
}

// hairpin reports whether a bridge port sends frames back out of the port
// they came in by (brctl hairpin), as the kernel's bridge port flags say.
func hairpin(h *netlink.Handle, l netlink.Link) bool {
	pi, err := h.LinkGetProtinfo(l)
	return err == nil && pi.Hairpin
}
