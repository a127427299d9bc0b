package engine

import (
	"fmt"
	"os"
	"strings"

	"github.com/netlab/netlab/engine/cmdline"
)

func sysctlFile(key string) string { return "/proc/sys/" + strings.ReplaceAll(key, ".", "/") }

// readSysctl reads a key inside the node's namespace (/proc/sys/net is
// per namespace of the reading thread).
func (x *execCtx) readSysctl(key string) (string, error) {
	var v string
	err := x.do(func() error {
		b, err := os.ReadFile(sysctlFile(key))
		if err != nil {
			return fmt.Errorf("sysctl: cannot stat %s: No such file or directory", sysctlFile(key))
		}
		v = strings.Join(strings.Fields(string(b)), "\t")
		return nil
	})
	return v, err
}

// readSysctls reads several keys in one visit to the namespace; keys that
// do not exist there are left out.
func (x *execCtx) readSysctls(keys []string) (map[string]string, error) {
	vals := map[string]string{}
	err := x.do(func() error {
		for _, k := range keys {
			if b, err := os.ReadFile(sysctlFile(k)); err == nil {
				vals[k] = strings.Join(strings.Fields(string(b)), "\t")
			}
		}
		return nil
	})
	return vals, err
}

func (x *execCtx) writeSysctl(key, value string) error {
	return x.do(func() error {
		path := sysctlFile(key)
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("sysctl: cannot stat %s: No such file or directory", path)
		}
		if err := os.WriteFile(path, []byte(value+"\n"), 0); err != nil {
			return fmt.Errorf("sysctl: setting key %q: %s", key, unwrapErrno(err))
		}
		return nil
	})
}

func unwrapErrno(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		s := pe.Err.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return err.Error()
}

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
		return fmt.Errorf("%s on %s is %s, should be %s", a.Key, x.node.Name, v, a.Value)
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
