package engine

// This file holds conntrack -L, a read-only tool: the node's connection
// tracking table, dumped over ctnetlink from the node's namespace and
// printed as conntrack-tools 1.4.7 prints it (libnetfilter_conntrack's
// default output). It changes no kernel object, so it has no op file.
//
// netlink's ConntrackTableList parses too little of each flow for this
// (no ICMP type, code or id, no status bits for [ASSURED] and
// [UNREPLIED], no use count), so netlab sends the same dump request and
// reads every attribute itself.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/engine/cmdline"
)

// conntrackAction is "conntrack -L", done natively.
type conntrackAction struct {
	cmdline.ConntrackList
	readOnly
}

// conntrackBanner starts every line conntrack prints on standard error.
const conntrackBanner = "conntrack v1.4.7 (conntrack-tools): "

// run prints the flows the filters keep, in the kernel's dump order (the
// order the real tool prints them in), then the count conntrack prints
// on standard error, last, as a terminal shows it.
func (a *conntrackAction) run(x *execCtx) (string, error) {
	var msgs [][]byte
	err := x.do(func() error {
		var err error
		msgs, err = dumpConntrack()
		return err
	})
	var errno syscall.Errno
	if errors.As(err, &errno) {
		// What conntrack says when the dump fails, conntrack being
		// unavailable in the kernel among others; its exit status is 1.
		return conntrackBanner + "Operation failed: " + conntrackErrText(errno) + "\n", &ExitError{Code: 1}
	}
	if err != nil {
		return "", fmt.Errorf("conntrack: %w", err)
	}
	var b strings.Builder
	n := 0
	now := time.Now()
	for _, m := range msgs {
		f, ok := parseCtFlow(m)
		if !ok || !a.keeps(f) {
			continue
		}
		b.WriteString(f.format(now))
		b.WriteByte('\n')
		n++
	}
	fmt.Fprintf(&b, "%s%d flow entries have been shown.\n", conntrackBanner, n)
	return b.String(), nil
}

// dumpConntrack asks ctnetlink for every flow of the current thread's
// namespace, of both address families, as "conntrack -L" does.
func dumpConntrack() ([][]byte, error) {
	req := nl.NewNetlinkRequest(unix.NFNL_SUBSYS_CTNETLINK<<8|nl.IPCTNL_MSG_CT_GET, unix.NLM_F_DUMP)
	req.AddData(&nl.Nfgenmsg{NfgenFamily: unix.AF_UNSPEC, Version: nl.NFNETLINK_V0})
	msgs, err := req.Execute(unix.NETLINK_NETFILTER, 0)
	if errors.Is(err, nl.ErrDumpInterrupted) {
		// The table changed during the dump; conntrack prints what it
		// got, and so does netlab.
		err = nil
	}
	return msgs, err
}

// conntrackErrText words an errno as conntrack's err2str does for -L:
// its own phrases for three, else strerror.
func conntrackErrText(e syscall.Errno) string {
	switch e {
	case 524: // ENOTSUPP, the kernel's own
		return "function not implemented"
	case unix.EINVAL:
		return "invalid parameters"
	case unix.EPERM:
		return "sorry, you must be root or get CAP_NET_ADMIN capability to do this"
	}
	s := e.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] // glibc's strerror starts with a capital
}

// keeps reports whether a flow passes the filters of the command line,
// as conntrack's nfct_filter judges it.
func (a *conntrackAction) keeps(f *ctFlow) bool {
	o, r := &f.orig, &f.reply
	if a.Proto != "" && o.proto != map[string]uint8{"tcp": unix.IPPROTO_TCP, "udp": unix.IPPROTO_UDP, "icmp": unix.IPPROTO_ICMP}[a.Proto] {
		return false
	}
	v4 := f.family == unix.AF_INET
	if a.Src != nil && (!v4 || !a.Src.Contains(o.src)) {
		return false
	}
	if a.Dst != nil && (!v4 || !a.Dst.Contains(o.dst)) {
		return false
	}
	if a.ReplySrc != nil && (!v4 || !a.ReplySrc.Equal(r.src)) {
		return false
	}
	if a.ReplyDst != nil && (!v4 || !a.ReplyDst.Equal(r.dst)) {
		return false
	}
	if a.Sport != 0 && binary.BigEndian.Uint16(o.l4src[:]) != uint16(a.Sport) {
		return false
	}
	if a.Dport != 0 && binary.BigEndian.Uint16(o.l4dst[:]) != uint16(a.Dport) {
		return false
	}
	snat := f.isSNAT() || f.isSPAT()
	dnat := f.isDNAT() || f.isDPAT()
	switch {
	case a.AnyNAT:
		return snat || dnat
	case a.SrcNAT && a.DstNAT:
		return snat && dnat
	case a.SrcNAT:
		return snat
	case a.DstNAT:
		return dnat
	}
	return true
}
