package rootless

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheck: each setting that forbids unprivileged user namespaces is
// refused with its name, its fix and sudo, in the order; an absent
// file is not that case.
func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   map[string]string
		setting string // "" for no refusal
		fix     string
	}{
		{name: "nothing readable", files: nil},
		{name: "all allowed", files: map[string]string{"user/max_user_namespaces": "96363\n", "kernel/apparmor_restrict_unprivileged_userns": "0\n", "kernel/unprivileged_userns_clone": "1\n"}},
		{name: "max_user_namespaces 0", files: map[string]string{"user/max_user_namespaces": "0\n"}, setting: "user.max_user_namespaces", fix: "sudo sysctl -w user.max_user_namespaces=15000"},
		{name: "Ubuntu's AppArmor", files: map[string]string{"user/max_user_namespaces": "15000\n", "kernel/apparmor_restrict_unprivileged_userns": "1\n"}, setting: "kernel.apparmor_restrict_unprivileged_userns", fix: "profile netlab /opt/netlab flags=(unconfined)"},
		{name: "Debian's switch", files: map[string]string{"kernel/unprivileged_userns_clone": "0\n"}, setting: "kernel.unprivileged_userns_clone", fix: "sudo sysctl -w kernel.unprivileged_userns_clone=1"},
		{name: "the count first", files: map[string]string{"user/max_user_namespaces": "0", "kernel/apparmor_restrict_unprivileged_userns": "1", "kernel/unprivileged_userns_clone": "0"}, setting: "user.max_user_namespaces"},
		{name: "AppArmor before Debian", files: map[string]string{"kernel/apparmor_restrict_unprivileged_userns": "1", "kernel/unprivileged_userns_clone": "0"}, setting: "kernel.apparmor_restrict_unprivileged_userns"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for k, v := range tc.files {
				os.MkdirAll(filepath.Join(root, filepath.Dir(k)), 0o755)
				os.WriteFile(filepath.Join(root, k), []byte(v), 0o644)
			}
			old := sysctlRoot
			sysctlRoot = root
			defer func() { sysctlRoot = old }()
			err := Check("/opt/netlab")
			if tc.setting == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			r, ok := err.(*RefusalError)
			if !ok || r.Setting != tc.setting {
				t.Fatalf("got %v, want a refusal naming %s", err, tc.setting)
			}
			msg := err.Error()
			if !strings.Contains(msg, "or run it with sudo") || !strings.Contains(msg, tc.fix) || strings.Count(r.Fix, "\n") != 0 {
				t.Errorf("refusal: %s", msg)
			}
		})
	}
}

// TestNeeds: the verb and what it needs, read before cobra, global flags
// and their values skipped; help needs nothing.
func TestNeeds(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		need   Need
		verb   string
		replay bool
	}{
		{name: "the TUI", args: nil, need: NeedHolder},
		{name: "the TUI in Chinese", args: []string{"--lang", "zh"}, need: NeedHolder},
		{name: "start", args: []string{"start", "bridge"}, need: NeedHolder, verb: "start"},
		{name: "start --replay", args: []string{"start", "--replay"}, need: NeedHolder, verb: "start", replay: true},
		{name: "labs flag first", args: []string{"--labs", "step", "status"}, need: NeedSession, verb: "status"},
		{name: "labs flag with =", args: []string{"--labs=x", "step", "-n", "2"}, need: NeedSession, verb: "step"},
		{name: "exec", args: []string{"exec", "host", "--", "ip", "--help"}, need: NeedSession, verb: "exec"},
		{name: "exec of --replay", args: []string{"exec", "host", "--", "x", "--replay"}, need: NeedSession, verb: "exec"},
		{name: "reset", args: []string{"reset"}, need: NeedReset, verb: "reset"},
		{name: "list", args: []string{"list"}, need: NoNeed, verb: "list"},
		{name: "lint", args: []string{"lint", "f.yaml"}, need: NoNeed, verb: "lint"},
		{name: "help", args: []string{"step", "--help"}, need: NoNeed, verb: "step"},
		{name: "version", args: []string{"--version"}, need: NoNeed},
		{name: "an unknown verb", args: []string{"frobnicate"}, need: NoNeed, verb: "frobnicate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			need, verb, replay := Needs(tc.args)
			if need != tc.need || verb != tc.verb || replay != tc.replay {
				t.Errorf("Needs(%q) = %v %q %v, want %v %q %v", tc.args, need, verb, replay, tc.need, tc.verb, tc.replay)
			}
		})
	}
}

// TestRunDir: the default directories are made 0700; a directory others
// may write, a symbolic link or another user's directory is refused.
func TestRunDir(t *testing.T) {
	uid := os.Getuid()
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	t.Run("XDG_RUNTIME_DIR", func(t *testing.T) {
		t.Setenv("TMPDIR", t.TempDir()) // were it refused, never /tmp
		x := t.TempDir()
		os.Chmod(x, 0o700)
		d, err := RunDir(uid, env("XDG_RUNTIME_DIR", x))
		fi, serr := os.Stat(d)
		if err != nil || d != filepath.Join(x, "netlab") || serr != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("RunDir = %s, %v (%v)", d, err, fi)
		}
	})
	t.Run("TMPDIR when no XDG_RUNTIME_DIR", func(t *testing.T) {
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp)
		d, err := RunDir(uid, env())
		if err != nil || d != filepath.Join(tmp, fmt.Sprintf("netlab-%d", uid)) {
			t.Errorf("RunDir = %s, %v", d, err)
		}
	})
	t.Run("a default directory others can read", func(t *testing.T) {
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp)
		os.Mkdir(filepath.Join(tmp, fmt.Sprintf("netlab-%d", uid)), 0o755)
		os.Chmod(filepath.Join(tmp, fmt.Sprintf("netlab-%d", uid)), 0o755)
		if _, err := RunDir(uid, env()); err == nil || !strings.Contains(err.Error(), "not 0700") {
			t.Errorf("RunDir: %v", err)
		}
	})
	t.Run("NETLAB_RUN others may write", func(t *testing.T) {
		d := t.TempDir()
		os.Chmod(d, 0o777)
		if _, err := RunDir(uid, env("NETLAB_RUN", d)); err == nil || !strings.Contains(err.Error(), "other users may write") {
			t.Errorf("RunDir: %v", err)
		}
	})
	t.Run("NETLAB_RUN a symbolic link", func(t *testing.T) {
		d := t.TempDir()
		os.Symlink(t.TempDir(), filepath.Join(d, "run"))
		if _, err := RunDir(uid, env("NETLAB_RUN", filepath.Join(d, "run"))); err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("RunDir: %v", err)
		}
	})
	t.Run("another user's directory", func(t *testing.T) {
		d := t.TempDir()
		if _, err := RunDir(uid+1, env("NETLAB_RUN", d)); err == nil || !strings.Contains(err.Error(), "belongs to another user") {
			t.Errorf("RunDir: %v", err)
		}
	})
}

// TestFindChecksTheProcess: a holder file naming a live process that is
// no holder (this test), or a dead one, finds no holder.
func TestFindChecksTheProcess(t *testing.T) {
	d := t.TempDir()
	start, err := startTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for _, content := range []string{fmt.Sprintf("%d %d\n", os.Getpid(), start), fmt.Sprintf("%d %d\n", os.Getpid(), start+1), "1 0\n", "x y\n", ""} {
		os.WriteFile(filepath.Join(d, holderFile), []byte(content), 0o600)
		if h := Find(d); h != nil {
			t.Errorf("holder file %q: found %+v", content, h)
		}
	}
}

func TestSbinPath(t *testing.T) {
	if got := sbinPath("/usr/local/bin:/usr/bin:/bin"); got != "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin" {
		t.Errorf("sbinPath: %s", got)
	}
	if got := sbinPath("/usr/sbin:/usr/bin"); got != "/usr/sbin:/usr/bin:/usr/local/sbin:/sbin" {
		t.Errorf("sbinPath: %s", got)
	}
}

// TestTcpdumpArgs: tcpdump's command line as the seeds type it becomes
// netlab capture's; what capture cannot do is refused by name.
func TestTcpdumpArgs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  string
		iface string
		flags string
		err   string
	}{
		{name: "the seed's", args: "-i br01 -nn", iface: "br01", flags: ""},
		{name: "verbose", args: "-nn -vv -i eth0", iface: "eth0", flags: "-vv"},
		{name: "clustered", args: "-nnei veth01 -c 5", iface: "veth01", flags: "-e -c 5"},
		{name: "attached values", args: "-ibr01 -c3 -w /tmp/x.pcap", iface: "br01", flags: "-c 3 -w /tmp/x.pcap"},
		{name: "a filter", args: "-i br01 -n icmp or arp", iface: "br01", flags: "--filter icmp or arp"},
		{name: "long interface", args: "--interface=br01 -l", iface: "br01", flags: ""},
		{name: "no interface", args: "-nn", err: "name the interface with -i"},
		{name: "any", args: "-i any", err: "name the interface with -i"},
		{name: "an option capture lacks", args: "-i br01 -X", err: "option -X"},
		{name: "a long option", args: "-i br01 --immediate-mode", err: "option --immediate-mode"},
		{name: "a bad count", args: "-i br01 -c 0", err: "invalid packet count"},
		{name: "a missing value", args: "-i", err: "needs a value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			iface, flags, err := tcpdumpArgs(strings.Fields(tc.args))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || iface != tc.iface || strings.Join(flags, " ") != tc.flags {
				t.Errorf("got %q %q %v, want %q %q", iface, flags, err, tc.iface, tc.flags)
			}
		})
	}
}
