package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Helpers of the chaos series (main_chaos_test.go): a run directory of the
// test's own, verbs run with a time limit, and the checks that nothing is
// left behind, neither under the run directory nor on the machine.

// needChaos skips unless the chaos series was asked for: it runs for
// minutes, so plain "go test" leaves it out and "make chaos" (part of
// "make test", so of CI) sets NETLAB_CHAOS=1.
func needChaos(t *testing.T) {
	t.Helper()
	if os.Getenv("NETLAB_CHAOS") != "1" {
		t.Skip("the chaos series runs for minutes: set NETLAB_CHAOS=1 (make chaos, also run by make test)")
	}
	needRootT(t)
}

// envInt reads a count from the environment (the Makefile's CHAOS_*).
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// chaosSeed is the seed of the random delays: CHAOS_SEED replays a run.
func chaosSeed(t *testing.T) uint64 {
	seed := uint64(time.Now().UnixNano())
	if v, err := strconv.ParseUint(os.Getenv("CHAOS_SEED"), 10, 64); err == nil {
		seed = v
	}
	t.Logf("chaos: seed %d (replay with: make chaos CHAOS_SEED=%d)", seed, seed)
	return seed
}

// chaosRun is one test's netlab run directory. root is the test's temp
// directory: everything netlab does must stay under it. dir (NETLAB_RUN)
// does not exist until netlab creates it, so netlab never has to adopt a
// directory it did not make.
type chaosRun struct {
	t    *testing.T
	root string
	dir  string
}

func newChaosRun(t *testing.T) *chaosRun {
	root := t.TempDir()
	r := &chaosRun{t: t, root: root, dir: filepath.Join(root, "run")}
	t.Cleanup(func() {
		r.run(30*time.Second, "reset")
		r.forceClean()
	})
	return r
}

// result is what one netlab process did.
type result struct {
	out      string
	code     int
	timedOut bool
	killed   bool // ended by a signal (our SIGKILL)
	pid      int  // its process id, which is also its process group's
}

func (res result) String() string {
	s := fmt.Sprintf("exit %d", res.code)
	if res.timedOut {
		s = "TIMED OUT (killed)"
	}
	return s + "\n" + indent(res.out)
}

func indent(s string) string {
	if len(s) > 4000 {
		s = s[:4000] + fmt.Sprintf("\n... (%d bytes in all)", len(s))
	}
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

// cmd is netlab with this run directory, in a process group of its own
// so that a timeout ends the programs it started too.
func (r *chaosRun) cmd(args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "NETLAB_RUN="+r.dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// run runs netlab and kills it (and what it started) after timeout.
func (r *chaosRun) run(timeout time.Duration, args ...string) result {
	return runLimited(r.t, r.cmd(args...), timeout, 0, "")
}

// limited wraps a netlab command in prlimit so a runaway parse cannot take
// the machine's memory (other work shares it).
func (r *chaosRun) limited(timeout time.Duration, args ...string) result {
	cmd := r.cmd(args...)
	if p, err := exec.LookPath("prlimit"); err == nil {
		cmd.Path = p
		cmd.Args = append([]string{"prlimit", "--as=4294967296", "--", binary}, args...)
	}
	return runLimited(r.t, cmd, timeout, 0, "")
}

// runLimited runs cmd with its output in a file (so that orphaned children
// holding it open cannot block us), killing its process group after
// timeout, or only the process itself after killAfter (a fault: netlab is
// SIGKILLed mid-work, its children live on as they would). With waitFor,
// the killAfter delay starts once that file exists (or the process ends).
func runLimited(t *testing.T, cmd *exec.Cmd, timeout, killAfter time.Duration, waitFor string) result {
	t.Helper()
	f, err := os.CreateTemp("", "netlab-chaos-out-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	res := result{pid: cmd.Process.Pid}
	var fault <-chan time.Time
	if killAfter > 0 && waitFor == "" {
		fault = time.After(killAfter)
	}
	if killAfter > 0 && waitFor != "" {
		armed := make(chan time.Time)
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
				if _, err := os.Stat(waitFor); err == nil {
					time.Sleep(killAfter)
					select {
					case armed <- time.Now():
					case <-stop:
					}
					return
				}
			}
		}()
		fault = armed
	}
	select {
	case <-done:
	case <-fault:
		syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		<-done
	case <-time.After(timeout):
		res.timedOut = true
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		res.killed = true
	}
	res.code = cmd.ProcessState.ExitCode()
	b, _ := os.ReadFile(f.Name())
	res.out = string(b)
	return res
}

// reapGroup ends what a SIGKILLed netlab left running (its own children,
// in the process group it led), by that group's id.
func reapGroup(pgid int) {
	if pgid > 0 {
		syscall.Kill(-pgid, syscall.SIGKILL)
	}
}

// chaosStatus is the part of "netlab status --json" the series checks.
type chaosStatus struct {
	Lab         string `json:"lab"`
	Steps       int    `json:"steps"`
	Applied     int    `json:"applied"`
	Interrupted *struct {
		Step    int    `json:"step"`
		Command int    `json:"command"`
		Text    string `json:"text"`
	} `json:"interrupted"`
	Nodes []struct {
		Name string `json:"name"`
	} `json:"nodes"`
}

// status runs "netlab status --json": exit 0 with a parsed state, or 3
// with none. Anything else is returned as an error.
func (r *chaosRun) status() (*chaosStatus, error) {
	res := r.run(20*time.Second, "status", "--json")
	if bad := crashed(res); bad != "" {
		return nil, fmt.Errorf("status: %s: %s", bad, res)
	}
	switch res.code {
	case 3:
		return nil, nil
	case 0:
		var st chaosStatus
		if err := json.Unmarshal([]byte(res.out), &st); err != nil {
			return nil, fmt.Errorf("status --json: %v: %s", err, res)
		}
		return &st, nil
	}
	return nil, fmt.Errorf("status --json must exit 0 or 3: %s", res)
}

var panicLine = regexp.MustCompile(`(?m)^(panic: |fatal error: |goroutine \d+ \[)`)

// crashed says what is wrong with a run that must end on its own, cleanly:
// a timeout, a Go panic, or control bytes that would reach a terminal.
func crashed(res result) string {
	switch {
	case res.timedOut:
		return "did not finish in time"
	case panicLine.MatchString(res.out):
		return "panicked"
	case strings.ContainsAny(res.out, "\x1b\x07"):
		return "printed an escape or BEL byte"
	}
	return ""
}

// nsfsMounts lists the namespace (nsfs) mounts at or under dir.
func nsfsMounts(dir string) []string {
	b, err := os.ReadFile("/proc/thread-self/mountinfo")
	if err != nil {
		return []string{"cannot read /proc/thread-self/mountinfo: " + err.Error()}
	}
	var list []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		sep := -1
		for i, x := range f {
			if x == "-" {
				sep = i
				break
			}
		}
		if len(f) < 5 || sep < 0 || sep+1 >= len(f) || f[sep+1] != "nsfs" {
			continue
		}
		mp := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`).Replace(f[4])
		if mp == dir || strings.HasPrefix(mp, dir+"/") {
			list = append(list, mp)
		}
	}
	sort.Strings(list)
	return list
}

// ownMarkers are the files netlab keeps in an idle run directory: the lock
// and the marker saying netlab created the directory.
var ownMarkers = map[string]bool{"lock": true, ".netlab-run": true}

// leftovers lists what is in the run directory after a reset besides
// netlab's own markers: temp files, journals, namespace files, scratch.
func (r *chaosRun) leftovers() []string {
	var list []string
	filepath.Walk(r.dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || p == r.dir {
			return nil
		}
		rel, _ := filepath.Rel(r.dir, p)
		if !ownMarkers[rel] {
			list = append(list, rel)
		}
		return nil
	})
	return list
}

// forceClean removes what a failed check may have left under the test's
// root, by exact path: the namespace mounts netlab made there, then the
// run directory. It is the test's own cleanup, not a recovery netlab did.
func (r *chaosRun) forceClean() {
	for _, m := range nsfsMounts(r.root) {
		unix.Unmount(m, unix.MNT_DETACH)
	}
	os.RemoveAll(r.dir)
}

var machineNoise = regexp.MustCompile(`\[\d+:\d+\]|(?m)^#.*$|"(valid_life_time|preferred_life_time|expires)": ?\d+`)

// chaosMachine dumps the machine's own network state and its /run: what
// the series compares before and after. Counters and lifetimes that
// change by themselves are left out.
func chaosMachine(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, args := range [][]string{{"ip", "-j", "-p", "link"}, {"ip", "-j", "-p", "addr"},
		{"ip", "-j", "-p", "route", "show", "table", "all"}, {"iptables-save"}, {"ls", "-R", "/run"}} {
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		fmt.Fprintf(&b, "## %s\n%s\n", strings.Join(args, " "), machineNoise.ReplaceAllString(string(out), ""))
	}
	return b.String()
}

// machineDiff returns the lines that differ between two dumps, marked -/+.
func machineDiff(before, after string) string {
	count := func(s string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(s, "\n") {
			m[l]++
		}
		return m
	}
	b, a := count(before), count(after)
	var out []string
	for l, n := range b {
		if a[l] < n {
			out = append(out, "- "+l)
		}
	}
	for l, n := range a {
		if b[l] < n {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// checkMachine fails the test when the machine's state moved.
func checkMachine(t *testing.T, before string) bool {
	t.Helper()
	if after := chaosMachine(t); after != before {
		t.Errorf("the machine's own network state or /run changed:\n%s", machineDiff(before, after))
		return false
	}
	return true
}

// victim is a network namespace that is none of netlab's business: a
// sleeping process of the test's own in a new namespace, with a veth pair
// link, bound at a path next to the run directory (as another session's
// namespace file would be). Crafted session files aim netlab at it.
type victim struct {
	cmd   *exec.Cmd
	pid   int
	mount string // bind mount of its namespace
	links string // its links as first seen
}

func newVictim(t *testing.T, mount string) *victim {
	t.Helper()
	cmd := exec.Command("unshare", "--net", "sleep", "300")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	v := &victim{cmd: cmd, pid: cmd.Process.Pid, mount: mount}
	t.Cleanup(v.end)
	var self, other unix.Stat_t
	unix.Stat("/proc/self/ns/net", &self)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if unix.Stat(fmt.Sprintf("/proc/%d/ns/net", v.pid), &other) == nil && other.Ino != self.Ino {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the victim process never entered its own namespace")
		}
	}
	if out, err := exec.Command("nsenter", "-t", strconv.Itoa(v.pid), "-n", "ip", "link", "add", "victim0", "type", "veth", "peer", "name", "victim1").CombinedOutput(); err != nil {
		t.Fatalf("victim link: %v %s", err, out)
	}
	os.MkdirAll(filepath.Dir(mount), 0o755)
	if err := os.WriteFile(mount, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount(fmt.Sprintf("/proc/%d/ns/net", v.pid), mount, "none", unix.MS_BIND, ""); err != nil {
		t.Fatalf("bind the victim namespace: %v", err)
	}
	v.links = v.linkDump(t)
	if !strings.Contains(v.links, "victim0") {
		t.Fatalf("victim links: %s", v.links)
	}
	return v
}

func (v *victim) linkDump(t *testing.T) string {
	out, err := exec.Command("nsenter", "-t", strconv.Itoa(v.pid), "-n", "ip", "-br", "link").CombinedOutput()
	if err != nil {
		return fmt.Sprintf("nsenter failed: %v %s", err, out)
	}
	return string(out)
}

// untouched says what netlab did to the victim, or "" if nothing.
func (v *victim) untouched(t *testing.T) string {
	var bad []string
	if links := v.linkDump(t); links != v.links {
		bad = append(bad, fmt.Sprintf("its links changed:\nbefore:\n%s\nafter:\n%s", indent(v.links), indent(links)))
	}
	found := false
	for _, m := range nsfsMounts(filepath.Dir(v.mount)) {
		found = found || m == v.mount
	}
	if !found {
		bad = append(bad, "its namespace mount "+v.mount+" is gone")
	}
	return strings.Join(bad, "; ")
}

// end kills the victim process by its id and unbinds its namespace.
func (v *victim) end() {
	unix.Unmount(v.mount, unix.MNT_DETACH)
	os.Remove(v.mount)
	if v.cmd.ProcessState == nil {
		v.cmd.Process.Kill()
		v.cmd.Wait()
	}
}
