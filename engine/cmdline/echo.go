package cmdline

import "strings"

// parseEcho reads "echo VALUE > /proc/sys/KEY", the one redirection netlab
// runs: a sysctl write.
func parseEcho(cmd *Command, w *words, _ bool) error {
	v, err := w.need("a value")
	if err != nil {
		return err
	}
	r, err := w.need("\"> /proc/sys/...\" (netlab runs echo only to write a sysctl)")
	if err != nil {
		return err
	}
	if r.s != ">" {
		return errAt(r, "netlab runs echo only as \"echo VALUE > /proc/sys/...\"")
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
