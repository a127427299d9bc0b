package engine

// This file holds the sysctl as a kernel object. "sysctl -w" (and
// "echo VALUE > /proc/sys/KEY") writes a key and checks its value,
// "sysctl KEY" reads one. A snapshot records the per-namespace keys every
// node has (baseSysctls) and those commands wrote; undo writes back the
// values that differ. Keys are read and written inside the node's
// namespace, as /proc/sys/net is per namespace of the reading thread.

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/netlab/netlab/engine/cmdline"
)

// sysctlSet runs "sysctl -w KEY=VALUE" or "echo VALUE > /proc/sys/KEY".
type sysctlSet struct{ cmdline.SysctlSet }

// decides: the key's value on the node.
func (a *sysctlSet) decides(node string) []string { return []string{node + ":sysctl " + a.Key} }

func (a *sysctlSet) run(x *execCtx) (string, error) {
	x.s.st.touchSysctl(a.Key)
	if err := x.writeSysctl(a.Key, a.Value); err != nil {
		return "", err
	}
	if a.Quiet {
		return "", nil
	}
	return fmt.Sprintf("%s = %s\n", a.Key, a.Value), nil
}

func (a *sysctlSet) check(x *execCtx) error {
	v, err := x.readSysctl(a.Key)
	if err != nil {
		return err
	}
	if v != strings.Join(strings.Fields(a.Value), "\t") {
		return problem("check.sysctl", "{{.Key}} on {{.Node}} is {{.Got}}, should be {{.Want}}", "Key", a.Key, "Node", x.node.Name, "Got", v, "Want", a.Value)
	}
	return nil
}

// sysctlGet runs "sysctl KEY".
type sysctlGet struct {
	cmdline.SysctlGet
	readOnly
}

func (a *sysctlGet) run(x *execCtx) (string, error) {
	v, err := x.readSysctl(a.Key)
	if err != nil {
		return "", err
	}
	if a.Quiet {
		return v + "\n", nil
	}
	return fmt.Sprintf("%s = %s\n", a.Key, v), nil
}

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
	var fs []fact
	for _, k := range slices.Sorted(maps.Keys(n.Sysctls)) {
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

// sysctlFile is the /proc/sys file of a dotted key (a slash in a key is
// a dot of an interface's name, as sysctl writes it). A key that would
// leave /proc/sys/net (read back from a file, so untrusted) names a file
// that does not exist.
func sysctlFile(key string) string {
	path := "/proc/sys/" + cmdline.SwapSysctlSeparators(key)
	if filepath.Clean(path) != path || !strings.HasPrefix(path, "/proc/sys/net/") {
		return "/proc/sys/net/.not-a-key"
	}
	return path
}

// readSysctl reads a key inside the node's namespace (/proc/sys/net is
// per namespace of the reading thread).
func (x *execCtx) readSysctl(key string) (string, error) {
	var v string
	err := x.do(func() error {
		b, err := os.ReadFile(sysctlFile(key))
		if err != nil {
			return fmt.Errorf("sysctl: cannot stat %s: No such file or directory", sysctlFile(key))
		}
		v = sysctlValue(b)
		return nil
	})
	return v, err
}

// readSysctls reads several keys in one visit to the namespace; keys that
// do not exist there are left out. A node of the session reads them
// through the files it keeps open (sysctlFiles).
func (x *execCtx) readSysctls(keys []string) (map[string]string, error) {
	if c := x.cache(); c != nil {
		return x.readCached(&c.sysctl, keys)
	}
	vals := map[string]string{}
	err := x.do(func() error {
		for _, k := range keys {
			if b, err := os.ReadFile(sysctlFile(k)); err == nil {
				vals[k] = sysctlValue(b)
			}
		}
		return nil
	})
	return vals, err
}

// writeSysctl writes a key inside the node's namespace, with the errors
// sysctl(8) prints.
func (x *execCtx) writeSysctl(key, value string) error {
	return x.do(func() error {
		path := sysctlFile(key)
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("sysctl: cannot stat %s: No such file or directory", path)
		}
		if err := os.WriteFile(path, []byte(value+"\n"), 0); err != nil {
			return fmt.Errorf("sysctl: setting key %q: %s", key, unwrapErrno(err))
		}
		if strings.HasPrefix(strings.ReplaceAll(key, "/", "."), "net.ipv6.") {
			// addr_gen_mode and stable_secret make link-local addresses
			// that are announced only once their DAD ends, a second or
			// two later: the node's view is read again (node_view.go).
			x.view().stale()
		}
		return nil
	})
}

// unwrapErrno is an error as sysctl(8) words it: the errno's text alone,
// capitalised.
func unwrapErrno(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		s := pe.Err.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return err.Error()
}
