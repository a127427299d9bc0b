package cmdline

import "strings"

// parseEcho reads the two redirections netlab runs: "echo VALUE >
// /proc/sys/KEY", a sysctl write, and `echo "IP NAME [ALIAS...]" >>
// /etc/hosts`, a line of the node's names table (see hosts.go).
func parseEcho(cmd *Command, w *words, _ bool) error {
	v, err := w.need("a value")
	if err != nil {
		return err
	}
	r, err := w.need("\"> /proc/sys/...\" or \">> /etc/hosts\" (netlab runs echo only to write a sysctl or add a name)")
	if err != nil {
		return err
	}
	if r.s == ">>" {
		return parseEchoHosts(cmd, w, v)
	}
	if r.s != ">" {
		if w.more() && w.peek().s == ">>" {
			return errAt(r, "quote the hosts line as one word: echo \"IP NAME\" >> /etc/hosts")
		}
		return errAt(r, "netlab runs echo only as \"echo VALUE > /proc/sys/...\" or `echo \"IP NAME\" >> /etc/hosts`")
	}
	p, err := w.need("a /proc/sys path")
	if err != nil {
		return err
	}
	if !strings.HasPrefix(p.s, "/proc/sys/") {
		return errAt(p, "%q is not under /proc/sys/: netlab writes only sysctls", p.s)
	}
	key, err := sysctlKey(token{s: strings.TrimPrefix(p.s, "/proc/sys/"), col: p.col})
	if err != nil {
		return err
	}
	cmd.add(&SysctlSet{Key: key, Value: v.s, Quiet: true})
	return w.trailing()
}

// parseEchoHosts reads the rest of `echo "IP NAME [ALIAS...]" >> /etc/hosts`
// once the value v and ">>" are read.
func parseEchoHosts(cmd *Command, w *words, v token) error {
	p, err := w.need("/etc/hosts")
	if err != nil {
		return err
	}
	if p.s != HostsFile {
		return errAt(p, "%q: netlab appends (>>) only to /etc/hosts, the node's names", p.s)
	}
	a, err := parseHostsLine(v)
	if err != nil {
		return err
	}
	cmd.add(a)
	return w.trailing()
}
