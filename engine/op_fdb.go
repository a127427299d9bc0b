package engine

// This file holds the forwarding databases as a kernel object: the
// entries "bridge fdb add|append|replace|del" write, in a bridge's table
// (master) or in a device's own (self: a vxlan device's remote VTEPs, as
// Docker's overlay and flannel write them). The requests are the ones
// iproute2's bridge/fdb.c sends, built with the netlink library's request
// type, so a vxlan entry may carry a port and no dst as the real tool's
// can. What the kernel learns (dynamic entries) and makes by itself (a
// port's own address, multicast joins) is noise a snapshot leaves out.

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/netlab/netlab/engine/cmdline"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// Neighbour attributes and flags the netlink packages do not name.
const (
	ndaNhID     = 13
	ndaFlagsExt = 15
	ntfRouter   = 0x80
	ntfSticky   = 0x40
	ntfExtLock  = 0x2 // NTF_EXT_LOCKED, in NDA_FLAGS_EXT
)

// fdbEntry is one entry of a forwarding database dump as the kernel sends
// it, with what "bridge fdb show" prints.
type fdbEntry struct {
	Index    int // the device the entry belongs to (ndm_ifindex)
	Flags    uint8
	State    uint16
	FlagsExt uint32
	MAC      net.HardwareAddr
	Dst      net.IP
	Vlan     int
	Port     int // 0: none sent
	VNI      int
	HasVNI   bool
	SrcVNI   int
	HasSrc   bool
	Via      int // NDA_IFINDEX
	NhID     int
	NetnsID  int
	HasNetns bool
	Master   int    // NDA_MASTER
	Updated  uint32 // clock ticks since the entry was last updated
	Static   bool   // permanent or static: no ageing
}

// self reports whether the entry is in the device's own table.
func (e fdbEntry) self() bool { return e.Flags&netlink.NTF_SELF != 0 }

// fdbDump lists every forwarding entry of the node in the kernel's order,
// the one "bridge fdb show" prints. A dump the kernel interrupts (the
// table changed meanwhile) is read again.
func fdbDump(x *execCtx) ([]fdbEntry, error) {
	msgs, err := dumpBridge(x, unix.RTM_GETNEIGH, &netlink.Ndmsg{Family: unix.AF_BRIDGE}, unix.RTM_NEWNEIGH)
	if err != nil {
		return nil, fmt.Errorf("list forwarding entries: %w", err)
	}
	var out []fdbEntry
	for _, m := range msgs {
		if e, ok := parseFdbEntry(m); ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// parseFdbEntry reads one RTM_NEWNEIGH message of the AF_BRIDGE family.
func parseFdbEntry(m []byte) (fdbEntry, bool) {
	var hdr netlink.Ndmsg
	if len(m) < hdr.Len() || m[0] != unix.AF_BRIDGE {
		return fdbEntry{}, false
	}
	e := fdbEntry{
		Index: int(nl.NativeEndian().Uint32(m[4:8])),
		State: nl.NativeEndian().Uint16(m[8:10]),
		Flags: m[10],
	}
	attrs, err := nl.ParseRouteAttr(m[hdr.Len():])
	if err != nil {
		return fdbEntry{}, false
	}
	u32 := func(b []byte) int {
		if len(b) < 4 {
			return 0
		}
		return int(nl.NativeEndian().Uint32(b))
	}
	for _, a := range attrs {
		v := a.Value
		switch a.Attr.Type {
		case unix.NDA_LLADDR:
			e.MAC = append(net.HardwareAddr(nil), v...)
		case unix.NDA_DST:
			e.Dst = append(net.IP(nil), v...)
		case unix.NDA_VLAN:
			if len(v) >= 2 {
				e.Vlan = int(nl.NativeEndian().Uint16(v))
			}
		case unix.NDA_PORT:
			if len(v) >= 2 {
				e.Port = int(v[0])<<8 | int(v[1])
			}
		case unix.NDA_VNI:
			e.VNI, e.HasVNI = u32(v), true
		case unix.NDA_SRC_VNI:
			e.SrcVNI, e.HasSrc = u32(v), true
		case unix.NDA_IFINDEX:
			e.Via = u32(v)
		case ndaNhID:
			e.NhID = u32(v)
		case unix.NDA_LINK_NETNSID:
			e.NetnsID, e.HasNetns = u32(v), true
		case unix.NDA_MASTER:
			e.Master = u32(v)
		case ndaFlagsExt:
			e.FlagsExt = uint32(u32(v))
		case unix.NDA_CACHEINFO:
			if len(v) >= 12 {
				e.Updated = nl.NativeEndian().Uint32(v[8:12])
			}
		}
	}
	e.Static = e.State&(unix.NUD_PERMANENT|unix.NUD_NOARP) != 0
	return e, true
}

// fdbStateWord is iproute2's word for an entry's state (state_n2a).
func fdbStateWord(s uint16) string {
	switch {
	case s&unix.NUD_PERMANENT != 0:
		return "permanent"
	case s&unix.NUD_NOARP != 0:
		return "static"
	case s&unix.NUD_STALE != 0:
		return "stale"
	case s&unix.NUD_REACHABLE != 0:
		return ""
	}
	return fmt.Sprintf("state=%#x", s)
}

// fdbStates are the states iproute2 sends for each word (fdb_modify):
// NOARP unless dynamic, with PERMANENT or REACHABLE.
var fdbStates = map[string]uint16{
	"permanent": unix.NUD_NOARP | unix.NUD_PERMANENT,
	"static":    unix.NUD_NOARP | unix.NUD_REACHABLE,
	"dynamic":   unix.NUD_REACHABLE,
}

// fdbFlags are the netlink flags of each verb, as iproute2's bridge sends them.
var fdbFlags = map[string]int{
	"add":     unix.NLM_F_CREATE | unix.NLM_F_EXCL,
	"append":  unix.NLM_F_CREATE | unix.NLM_F_APPEND,
	"replace": unix.NLM_F_CREATE | unix.NLM_F_REPLACE,
}

// fdbRequest is one "bridge fdb" change in the node: RTM_NEWNEIGH or
// RTM_DELNEIGH for the entry e on its device, in the tables its flags name.
func fdbRequest(x *execCtx, del bool, flags int, e fdbEntry) error {
	typ := unix.RTM_NEWNEIGH
	if del {
		typ, flags = unix.RTM_DELNEIGH, 0
	}
	return x.do(func() error {
		req := nl.NewNetlinkRequest(typ, unix.NLM_F_ACK|flags)
		req.AddData(&netlink.Ndmsg{Family: unix.AF_BRIDGE, Index: uint32(e.Index), State: e.State, Flags: e.Flags})
		req.AddData(nl.NewRtAttr(unix.NDA_LLADDR, []byte(e.MAC)))
		if e.Dst != nil {
			d := e.Dst.To4()
			if d == nil {
				d = e.Dst.To16()
			}
			req.AddData(nl.NewRtAttr(unix.NDA_DST, []byte(d)))
		}
		if e.Vlan != 0 {
			req.AddData(nl.NewRtAttr(unix.NDA_VLAN, nl.Uint16Attr(uint16(e.Vlan))))
		}
		if e.Port != 0 {
			req.AddData(nl.NewRtAttr(unix.NDA_PORT, []byte{byte(e.Port >> 8), byte(e.Port)}))
		}
		if e.HasVNI {
			req.AddData(nl.NewRtAttr(unix.NDA_VNI, nl.Uint32Attr(uint32(e.VNI))))
		}
		if e.Via != 0 {
			req.AddData(nl.NewRtAttr(unix.NDA_IFINDEX, nl.Uint32Attr(uint32(e.Via))))
		}
		_, err := req.Execute(unix.NETLINK_ROUTE, 0)
		return err
	})
}

// rtnetlinkError is err as iproute2 reports a refused request.
func rtnetlinkError(err error) error {
	var errno unix.Errno
	if errors.As(err, &errno) {
		msg := errno.Error()
		return errors.New("RTNETLINK answers: " + strings.ToUpper(msg[:1]) + msg[1:])
	}
	return fmt.Errorf("RTNETLINK answers: %w", err)
}

// fdbOp is "bridge fdb add|append|replace|del".
type fdbOp struct{ cmdline.Fdb }

// decides: the entry for the address on the device (and the remote, for
// a vxlan device's entries, which append lists one by one).
func (a *fdbOp) decides(node string) []string {
	d := node + "/" + a.Dev + ":fdb " + a.MAC.String()
	if a.Dst != nil {
		d += " dst " + a.Dst.String()
	}
	return []string{d}
}

// request is the entry as iproute2's fdb_modify would send it.
func (a *fdbOp) request(index int) fdbEntry {
	e := fdbEntry{Index: index, MAC: a.MAC, Dst: a.Dst, Port: a.Port, State: fdbStates[a.State]}
	if a.Self {
		e.Flags |= netlink.NTF_SELF
	}
	if a.Master {
		e.Flags |= netlink.NTF_MASTER
	}
	if a.VNI != 0 {
		e.VNI, e.HasVNI = a.VNI, true
	}
	return e
}

func (a *fdbOp) run(x *execCtx) (string, error) {
	l, err := x.link(a.Dev)
	if err != nil {
		return "", err
	}
	e := a.request(l.Attrs().Index)
	if a.Via != "" {
		v, err := x.link(a.Via)
		if err != nil {
			return "", err
		}
		e.Via = v.Attrs().Index
	}
	if err := fdbRequest(x, a.Verb == "del", fdbFlags[a.Verb], e); err != nil {
		return "", rtnetlinkError(err)
	}
	return "", nil
}

// entries are the node's entries the command speaks of: its address on its
// device, in the table it names, with its remote when it names one.
func (a *fdbOp) entries(x *execCtx) ([]fdbEntry, error) {
	l, err := x.link(a.Dev)
	if err != nil {
		return nil, err
	}
	all, err := fdbDump(x)
	if err != nil {
		return nil, err
	}
	var out []fdbEntry
	for _, e := range all {
		if e.Index != l.Attrs().Index || e.MAC.String() != a.MAC.String() ||
			(a.Dst != nil && !e.Dst.Equal(a.Dst)) {
			continue
		}
		// A bridge's own table is its "self": the kernel reports its
		// entries as the bridge's, without the self flag.
		own := e.self() || e.Master == e.Index
		if (a.Self && own) || (a.Master && !e.self()) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (a *fdbOp) check(x *execCtx) error {
	es, err := a.entries(x)
	if err != nil {
		return err
	}
	where := a.MAC.String() + " dev " + a.Dev
	if a.Dst != nil {
		where += " dst " + a.Dst.String()
	}
	if a.Verb == "del" {
		if len(es) > 0 {
			return problem("check.fdb.still", "{{.Node}} still has the forwarding entry {{.Entry}}", "Node", x.node.Name, "Entry", where)
		}
		return nil
	}
	if len(es) == 0 {
		return problem("check.fdb.missing", "{{.Node}} has no forwarding entry {{.Entry}}", "Node", x.node.Name, "Entry", where)
	}
	// A dynamic entry ages and may be learned again; only the static
	// states are promised.
	if a.State != "dynamic" {
		for _, e := range es {
			if got := fdbStateWord(e.State); got != a.State {
				return problem("check.fdb.state", "the forwarding entry {{.Entry}} on {{.Node}} is {{.Got}}, not {{.Want}}", "Entry", where, "Node", x.node.Name, "Got", orWord(got, "dynamic"), "Want", a.State)
			}
		}
	}
	return nil
}

// orWord is w, or def when w is empty.
func orWord(w, def string) string {
	if w == "" {
		return def
	}
	return w
}

// fdbObject is a node's forwarding databases: the entries a lab makes.
type fdbObject struct{}

func (fdbObject) kind() string { return "fdb" }

// read lists the entries through the node's netlink handle, which is
// four times quicker than fdbDump's request made inside the namespace,
// but reads neither port nor via: a node holding an entry of a vxlan
// device, where those may be, is read again with fdbDump.
func (fdbObject) read(r *nodeReader, ns *NodeSnap) error {
	entries, err := r.fdbList()
	if err != nil {
		return fmt.Errorf("%s: %w", r.node.Name, err)
	}
	ns.Fdb = fdbSnaps(entries, r.links.links)
	return nil
}

// fdbQuick lists the node's entries through its netlink handle, four
// times quicker than fdbDump's request made inside the namespace, but
// without port and via: when a vxlan device holds an entry a snapshot
// keeps, where those may be, or the dump was interrupted, it is fdbDump's.
func fdbQuick(x *execCtx, names fdbNames) ([]fdbEntry, error) {
	quick, err := x.h.NeighListExecute(netlink.Ndmsg{Family: unix.AF_BRIDGE})
	if err != nil {
		return fdbDump(x)
	}
	var entries []fdbEntry
	for _, n := range quick {
		e := fdbEntry{Index: n.LinkIndex, Flags: uint8(n.Flags), State: uint16(n.State), MAC: n.HardwareAddr,
			Dst: n.IP, Vlan: n.Vlan, VNI: n.VNI, HasVNI: n.VNI != 0, Master: n.MasterIndex}
		e.Static = e.State&(unix.NUD_PERMANENT|unix.NUD_NOARP) != 0
		if names.vxlan[e.Index] && e.self() && fdbKept(e, names.own, names.vxlan) {
			return fdbDump(x)
		}
		entries = append(entries, e)
	}
	return entries, nil
}

func (fdbObject) facts(node string, n *NodeSnap, _ bool) []fact {
	var fs []fact
	for _, f := range n.Fdb {
		fs = append(fs, fact{node, "fdb", f.key(), f.text(), ""})
	}
	return fs
}

func (fdbObject) restoreNode(rc *reconciler, name string, x *execCtx, w *NodeSnap) error {
	if err := setFdb(x, w); err != nil {
		rc.fail(fmt.Errorf("%s: %w", name, err))
	}
	return nil
}

// key is what tells two entries apart: a vxlan device holds one address
// at several remotes ("bridge fdb append").
func (f FdbSnap) key() string {
	return fmt.Sprintf("%s %s %s vlan %d dst %s port %d vni %d via %s", f.Dev, f.MAC, f.Master, f.Vlan, f.Dst, f.Port, f.VNI, f.Via)
}

// text is the entry as "bridge fdb show" prints it.
func (f FdbSnap) text() string {
	t := f.MAC + " dev " + f.Dev
	if f.Dst != "" {
		t += " dst " + f.Dst
	}
	if f.Vlan != 0 {
		t += fmt.Sprintf(" vlan %d", f.Vlan)
	}
	if f.Port != 0 {
		t += fmt.Sprintf(" port %d", f.Port)
	}
	if f.VNI != 0 {
		t += fmt.Sprintf(" vni %d", f.VNI)
	}
	if f.Via != "" {
		t += " via " + f.Via
	}
	if f.Master != "" {
		t += " master " + f.Master
	} else {
		t += " self"
	}
	return t + " " + f.State
}

// fdbKept reports whether a snapshot records the entry: a static or
// permanent one a lab can make. Left out are what ages (learned and
// dynamic entries), the multicast groups a device joins (its own list
// holds them), and the bridge's entries for its own and its ports'
// addresses, which follow the links. own holds the node's link MACs,
// vxlan its vxlan devices' indexes.
func fdbKept(e fdbEntry, own map[string]bool, vxlan map[int]bool) bool {
	if !e.Static || e.Flags&netlink.NTF_EXT_LEARNED != 0 || len(e.MAC) != 6 {
		return false
	}
	if e.self() {
		return vxlan[e.Index] || e.MAC[0]&1 == 0
	}
	return !own[e.MAC.String()]
}

// fdbNames is what turning dump entries into snapshot lines needs to
// know of the node's links.
type fdbNames struct {
	names map[int]string  // ifindex -> name
	own   map[string]bool // the links' MACs
	vxlan map[int]bool    // vxlan devices by ifindex
}

func newFdbNames(links []netlink.Link) fdbNames {
	n := fdbNames{map[int]string{}, map[string]bool{}, map[int]bool{}}
	for _, l := range links {
		at := l.Attrs()
		n.names[at.Index] = at.Name
		n.own[at.HardwareAddr.String()] = true
		n.vxlan[at.Index] = l.Type() == "vxlan"
	}
	return n
}

// snap is e as a snapshot records it, if it does.
func (n fdbNames) snap(e fdbEntry) (FdbSnap, bool) {
	if !fdbKept(e, n.own, n.vxlan) || n.names[e.Index] == "" {
		return FdbSnap{}, false
	}
	f := FdbSnap{MAC: e.MAC.String(), Dev: n.names[e.Index], Vlan: e.Vlan, Port: e.Port, State: fdbStateWord(e.State)}
	if !e.self() {
		f.Master = orWord(n.names[e.Master], fmt.Sprintf("if%d", e.Master))
	}
	if e.Dst != nil {
		f.Dst = e.Dst.String()
	}
	if e.HasVNI {
		f.VNI = e.VNI
	}
	// A via in the vxlan's underlay namespace, when that is another one,
	// is left out: the kernel looks the index of a new entry up in the
	// device's own namespace, so it cannot be written back, and without
	// it the kernel routes to the remote through the same device.
	if e.Via != 0 && !e.HasNetns {
		f.Via = orWord(n.names[e.Via], fmt.Sprintf("if%d", e.Via))
	}
	return f, true
}

// fdbSnaps is the kept part of a dump, sorted.
func fdbSnaps(entries []fdbEntry, links []netlink.Link) []FdbSnap {
	n := newFdbNames(links)
	var out []FdbSnap
	for _, e := range entries {
		if f, ok := n.snap(e); ok {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// fdbTableFlags are the flags naming the table an entry of f's sits in:
// the bridge's (master), or the device's own (self), which for a bridge
// is its table too.
func fdbTableFlags(f FdbSnap) uint8 {
	if f.Master != "" && f.Master != f.Dev {
		return netlink.NTF_MASTER
	}
	return netlink.NTF_SELF
}

// setFdb makes the node's kept entries equal to w's: those a step made
// are deleted, those it deleted or changed are written back, in the
// device's own table (self) or its bridge's (master). It runs after the
// links are back, so every device and port it names exists.
func setFdb(x *execCtx, w *NodeSnap) error {
	links, err := x.linkList()
	if err != nil {
		return err
	}
	index := map[string]int{}
	for _, l := range links {
		index[l.Attrs().Name] = l.Attrs().Index
	}
	entries, err := fdbDump(x)
	if err != nil {
		return err
	}
	names := newFdbNames(links)
	have, raw := map[string]FdbSnap{}, map[string]fdbEntry{}
	for _, e := range entries {
		if f, ok := names.snap(e); ok {
			have[f.key()], raw[f.key()] = f, e
		}
	}
	want := map[string]FdbSnap{}
	for _, f := range w.Fdb {
		want[f.key()] = f
	}
	var errs []error
	for k, f := range have {
		if want[k] == f {
			continue
		}
		e := raw[k]
		e.Flags = fdbTableFlags(f)
		if err := fdbRequest(x, true, 0, e); err != nil && !errors.Is(err, unix.ENOENT) {
			errs = append(errs, fmt.Errorf("forget forwarding entry %s: %w", f.text(), err))
		}
	}
	for k, f := range want {
		if have[k] == f {
			continue
		}
		e, err := f.entry(index)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		flags := unix.NLM_F_CREATE | unix.NLM_F_REPLACE
		if f.Master == "" && f.Dst != "" {
			flags = unix.NLM_F_CREATE | unix.NLM_F_APPEND // one more remote for the address
		}
		if err := fdbRequest(x, false, flags, e); err != nil {
			errs = append(errs, fmt.Errorf("restore forwarding entry %s: %w", f.text(), err))
		}
	}
	return errors.Join(errs...)
}

// entry is the request that writes f back; index maps link names to
// indexes in the node.
func (f FdbSnap) entry(index map[string]int) (fdbEntry, error) {
	idx, ok := index[f.Dev]
	mac, err := net.ParseMAC(f.MAC)
	if !ok || err != nil {
		return fdbEntry{}, fmt.Errorf("cannot restore forwarding entry %q: no device %q", f.text(), f.Dev)
	}
	e := fdbEntry{Index: idx, MAC: mac, Vlan: f.Vlan, Port: f.Port, State: fdbStates[f.State], Flags: fdbTableFlags(f)}
	if f.Dst != "" {
		e.Dst = net.ParseIP(f.Dst)
	}
	if f.VNI != 0 {
		e.VNI, e.HasVNI = f.VNI, true
	}
	if f.Via != "" {
		if e.Via, ok = index[f.Via]; !ok {
			return fdbEntry{}, fmt.Errorf("cannot restore forwarding entry %q: no device %q", f.text(), f.Via)
		}
	}
	return e, nil
}

// dumpBridge runs one netlink dump in the node's namespace (an AF_BRIDGE
// request: forwarding entries or bridge ports) and returns its messages. A
// dump the kernel interrupts (the table changed meanwhile) is asked again,
// up to five times.
func dumpBridge(x *execCtx, msgType int, data nl.NetlinkRequestData, reply uint16) ([][]byte, error) {
	var msgs [][]byte
	var err error
	for try := 0; try < 5; try++ {
		req := nl.NewNetlinkRequest(msgType, unix.NLM_F_DUMP)
		req.AddData(data)
		if msgs, err = x.request(req, reply); !errors.Is(err, nl.ErrDumpInterrupted) {
			break
		}
	}
	return msgs, err
}
