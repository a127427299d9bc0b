package engine

// This file holds the sysctl as a kernel object: the per-namespace keys
// every snapshot records (baseSysctls) and those commands wrote. Undo
// writes back the values that differ.

import (
	"fmt"
	"sort"
	"strings"
)

// baseSysctls are the per-namespace keys every snapshot records; keys that
// commands wrote are added to them.
var baseSysctls = []string{
	"net.ipv4.ip_forward",
	"net.ipv4.conf.all.forwarding",
	"net.ipv4.conf.default.forwarding",
	"net.ipv4.conf.all.rp_filter",
	"net.ipv4.conf.all.proxy_arp",
	"net.ipv6.conf.all.forwarding",
}

// sysctlObject is a node's sysctls.
type sysctlObject struct{}

func (sysctlObject) kind() string { return "sysctl" }

func (sysctlObject) read(r *nodeReader, ns *NodeSnap) error {
	var err error
	ns.Sysctls, err = r.x.readSysctls(r.s.sysctlKeys())
	return err
}

func (sysctlObject) facts(node string, n *NodeSnap, learned bool) []fact {
	var keys []string
	for k := range n.Sysctls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var fs []fact
	for _, k := range keys {
		fs = append(fs, fact{node, "sysctl", k, k + " = " + n.Sysctls[k], ""})
	}
	return fs
}

func (sysctlObject) restoreNode(rc *reconciler, name string, x *execCtx, w *NodeSnap) error {
	if err := setSysctls(x, w); err != nil {
		rc.fail(fmt.Errorf("%s: %w", name, err))
	}
	return nil
}

// sysctlKeys are the keys a snapshot reads: baseSysctls and the keys
// commands wrote.
func (s *Session) sysctlKeys() []string {
	keys := append([]string(nil), baseSysctls...)
	for _, k := range s.st.Sysctls {
		found := false
		for _, b := range keys {
			found = found || b == k
		}
		if !found {
			keys = append(keys, k)
		}
	}
	return keys
}

// setSysctls writes the wanted values, global forwarding switches first
// since writing them resets the per-interface ones.
func setSysctls(x *execCtx, w *NodeSnap) error {
	var keys []string
	for k := range w.Sysctls {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		switch {
		case k == "net.ipv4.ip_forward":
			return 0
		case strings.Contains(k, ".all."):
			return 1
		case strings.Contains(k, ".default."):
			return 2
		}
		return 3
	}
	sort.Slice(keys, func(i, j int) bool {
		if rank(keys[i]) != rank(keys[j]) {
			return rank(keys[i]) < rank(keys[j])
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		if v, err := x.readSysctl(k); err == nil && v == w.Sysctls[k] {
			continue
		}
		if err := x.writeSysctl(k, strings.ReplaceAll(w.Sysctls[k], "\t", " ")); err != nil {
			return err
		}
	}
	return nil
}
