package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// batchRules are consecutive rule changes of one table: one batch.
var batchRules = []string{
	"iptables -A FORWARD -s 192.0.2.1 -j ACCEPT",
	"iptables -I FORWARD -m comment --comment 'two words' -j ACCEPT",
	"iptables -A FORWARD -d 198.51.100.0/24 -j DROP",
}

// countRestores points the batch at a wrapper of iptables-restore that
// logs its input, and returns the log's path.
func countRestores(t *testing.T) string {
	t.Helper()
	real, err := exec.LookPath("iptables-restore")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	logPath := filepath.Join(dir, "log")
	wrapper := filepath.Join(dir, "iptables-restore")
	script := "#!/bin/sh\necho \"run $*\" >> " + logPath + "\ntee -a " + logPath + " | " + real + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	saved := iptablesRestoreProgram
	iptablesRestoreProgram = wrapper
	t.Cleanup(func() { iptablesRestoreProgram = saved })
	return logPath
}

func TestIptablesBatchIsOneRestore(t *testing.T) {
	logPath := countRestores(t)
	s := newLab(t, Spec{})
	before, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	lines := append(append([]string{}, batchRules...), "iptables -t nat -A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE")
	st := step(t, "rules", lines...)
	res, err := applyNext(s, st)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	for _, r := range res {
		if r.Err != nil || r.ExitCode != 0 {
			t.Errorf("%q: %v (exit %d)", r.Command.Text, r.Err, r.ExitCode)
		}
	}
	log, _ := os.ReadFile(logPath)
	if got := strings.Count(string(log), "run --noflush"); got != 1 {
		t.Fatalf("iptables-restore ran %d times for a batch of three rules, want once:\n%s", got, log)
	}
	want := "*filter\n-A FORWARD -s 192.0.2.1 -j ACCEPT\n-I FORWARD -m comment --comment \"two words\" -j ACCEPT\n-A FORWARD -d 198.51.100.0/24 -j DROP\nCOMMIT\n"
	if !strings.Contains(string(log), want) {
		t.Errorf("restore input:\n%s\nwant:\n%s", log, want)
	}
	for _, c := range s.Check(st) {
		if c.Err != nil {
			t.Errorf("check %q: %v", c.Command.Text, c.Err)
		}
	}
	saved, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(saved.Nodes["host"].Iptables["filter"], "\n")
	order := []string{"-A FORWARD -m comment --comment \"two words\" -j ACCEPT", "-A FORWARD -s 192.0.2.1/32 -j ACCEPT", "-A FORWARD -d 198.51.100.0/24 -j DROP"}
	if !strings.Contains(got, strings.Join(order, "\n")) {
		t.Errorf("filter table after the batch:\n%s\nwant in order:\n%s", got, strings.Join(order, "\n"))
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Snapshot()
	if d := before.Diff(after); len(d) > 0 {
		t.Fatalf("undo of a batched step left: %v", d)
	}
}

// A batch the kernel refuses leaves nothing applied; its commands then run
// one by one, so the failure names the command that causes it, and the
// step is rolled back as without batching.
func TestIptablesBatchRefusedRunsOneByOne(t *testing.T) {
	s := newLab(t, Spec{})
	before, _ := s.Snapshot()
	_, err := applyNext(s, step(t, "bad", "iptables -A FORWARD -s 192.0.2.1 -j ACCEPT", "iptables -D FORWARD -s 192.0.2.99 -j ACCEPT"))
	se, ok := err.(*StepError)
	if !ok || se.Command != 1 {
		t.Fatalf("apply: %v, want the second command's failure", err)
	}
	after, _ := s.Snapshot()
	if d := before.Diff(after); len(d) > 0 {
		t.Fatalf("a refused batch left: %v", d)
	}
}

// batchCrashHelper applies a step whose first commands are a batch of
// rules, then pings long enough to be killed (see crashAfterBatch).
func batchCrashHelper(dir string) {
	applyInHelper(dir, "doomed batch", append(append([]string{}, batchRules...), "ping -c 50 -i 0.2 127.0.0.1", "iptables -A FORWARD -j DROP")...)
}

// crashAfterBatch runs batchCrashHelper in a netlab process and kills it
// with SIGKILL while it pings, after the batch went to the kernel.
func crashAfterBatch(t *testing.T, s *Session) {
	t.Helper()
	killHelperWhen(t, s, "NETLAB_BATCH_CRASH_HELPER", "reached the ping after its batch", func(st *State) bool {
		return st.Running != nil && st.Running.Command == len(batchRules)
	})
}

func TestCrashAfterBatchThenUndo(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "first", "iptables -t nat -A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE")); err != nil {
		t.Fatal(err)
	}
	before, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	crashAfterBatch(t, s)

	other, err := Open(s.Dir()) // as another netlab process would
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	mid, err := other.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	rules := 0
	for _, l := range mid.Nodes["host"].Iptables["filter"] {
		if strings.HasPrefix(l, "-A ") {
			rules++
		}
	}
	if n := rules; n != len(batchRules) {
		t.Fatalf("the killed process applied %d rules of its batch, want all %d:\n%v", n, len(batchRules), mid.Nodes["host"].Iptables)
	}
	if _, err := other.Undo(); err != nil {
		t.Fatalf("undo after the crash: %v", err)
	}
	after, _ := other.Snapshot()
	if d := before.Diff(after); len(d) > 0 {
		t.Fatalf("undo after a crash mid-step left: %v", d)
	}
	if got := len(other.State().Applied); got != 1 {
		t.Fatalf("applied steps after recovering = %d, want 1", got)
	}
}

func TestCrashAfterBatchThenReset(t *testing.T) {
	s := newLab(t, Spec{})
	crashAfterBatch(t, s)
	if err := Reset(s.Dir()); err != nil {
		t.Fatal(err)
	}
	mounts, _ := os.ReadFile("/proc/thread-self/mountinfo")
	if strings.Contains(string(mounts), s.Dir()) {
		t.Fatalf("namespace mounts remain under %s", s.Dir())
	}
	if _, err := Open(s.Dir()); err != ErrNoSession {
		t.Fatalf("Open after reset: %v", err)
	}
}
