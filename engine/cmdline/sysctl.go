package cmdline

import "strings"

// parseSysctl reads "sysctl [-w] [-n] KEY[=VALUE]".
func parseSysctl(cmd *Command, w *words, _ bool) error {
	write, quiet := false, false
	for w.more() && strings.HasPrefix(w.peek().s, "-") {
		t := w.next()
		switch t.s {
		case "-w", "--write":
			write = true
		case "-n", "--values":
			quiet = true
		case "-q", "--quiet":
		default:
			return errAt(t, "unsupported sysctl option %q (netlab knows -w and -n)", t.s)
		}
	}
	t, err := w.need("a key like net.ipv4.ip_forward")
	if err != nil {
		return err
	}
	key, value, isSet := strings.Cut(t.s, "=")
	if write && !isSet {
		return errAt(t, "sysctl -w needs KEY=VALUE, not %q", t.s)
	}
	kt := token{s: key, col: t.col}
	if key, err = sysctlKey(kt); err != nil {
		return err
	}
	if isSet {
		if value == "" {
			return errAt(t, "missing the value after %q", kt.s+"=")
		}
		cmd.add(&SysctlSet{Key: key, Value: value})
	} else {
		cmd.add(&SysctlGet{Key: key, Quiet: quiet})
	}
	return w.trailing()
}

// sysctlKey normalises a key and keeps it inside the network namespace:
// only net.* keys exist per namespace, so only they can be changed without
// touching the machine. The key comes back as sysctl prints it, dotted,
// with a dot inside one part (an interface named flannel.1) written as a
// slash: net.ipv4.conf.flannel/1.proxy_arp. A key is read as procps
// sysctl reads it: when its first separator is a slash it is a path
// (net/ipv4/conf/flannel.1/proxy_arp), else dots separate and a slash is
// a dot of a name.
func sysctlKey(t token) (string, error) {
	key := strings.Trim(t.s, "/")
	if i := strings.IndexAny(key, "./"); i >= 0 && key[i] == '/' {
		key = SwapSysctlSeparators(key)
	}
	if !strings.HasPrefix(key, "net.") {
		return "", errAt(t, "%q is not a network sysctl: netlab only changes net.* keys, which belong to the lab's own namespace", t.s)
	}
	for _, part := range strings.Split(key, ".") {
		if p := strings.ReplaceAll(part, "/", "."); p == "" || p == "." || p == ".." {
			return "", errAt(t, "%q is not a valid sysctl key", t.s)
		}
	}
	return key, nil
}

// SwapSysctlSeparators turns a dotted sysctl key into its /proc/sys path
// below /proc/sys (and back): dots become slashes and slashes dots.
func SwapSysctlSeparators(key string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '.':
			return '/'
		case '/':
			return '.'
		}
		return r
	}, key)
}
