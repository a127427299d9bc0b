package engine

import (
	"reflect"
	"testing"
)

// A step's snapshot leaves the rules to be read while its first commands
// run, and has them, saved, before its rule change runs: on disk the
// snapshot is pending after the first command and filled after the
// second, and undo restores the rules exactly.
func TestStepReadsRulesWhileItRuns(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "one", "iptables -t nat -A POSTROUTING -s 10.0.0.0/8 -j MASQUERADE")); err != nil {
		t.Fatal(err)
	}
	realTool(t, s, "host", "iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "172.16.0.0/12", "-j", "MASQUERADE")
	want, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	// A rule added and deleted by hand moves the generation: the cache no
	// longer holds the rules, so the step's snapshot cannot take them
	// from it.
	realTool(t, s, "host", "iptables", "-A", "INPUT", "-s", "192.0.2.9", "-j", "DROP")
	realTool(t, s, "host", "iptables", "-D", "INPUT", "-s", "192.0.2.9", "-j", "DROP")
	st := step(t, "two", "ip link add br7 type bridge", "iptables -t nat -D POSTROUTING -s 10.0.0.0/8 -j MASQUERADE")
	var onDisk []*NodeSnap
	st.After = func(i int, r Result) bool {
		saved, err := readState(s.Dir())
		if err != nil || saved.Running == nil {
			t.Errorf("after command %d: no running step on disk (%v)", i+1, err)
			return false
		}
		onDisk = append(onDisk, saved.Running.Before.Nodes["host"])
		return false
	}
	if _, err := applyNext(s, st); err != nil {
		t.Fatal(err)
	}
	if len(onDisk) != 2 {
		t.Fatalf("%d commands seen", len(onDisk))
	}
	if onDisk[0].IptPending == nil || onDisk[0].Iptables != nil {
		t.Errorf("after the first command the saved snapshot holds the rules already (pending %v)", onDisk[0].IptPending)
	}
	if onDisk[1].IptPending != nil || !reflect.DeepEqual(onDisk[1].Iptables, want.Nodes["host"].Iptables) {
		t.Errorf("after the rule change the saved snapshot holds %v (pending %v), want %v", onDisk[1].Iptables, onDisk[1].IptPending, want.Nodes["host"].Iptables)
	}
	applied := s.State().Applied[1].Before.Nodes["host"]
	if applied.IptPending != nil || !reflect.DeepEqual(applied.Iptables, want.Nodes["host"].Iptables) {
		t.Errorf("the applied step's snapshot holds %v, want %v", applied.Iptables, want.Nodes["host"].Iptables)
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Snapshot()
	if d := want.Diff(got); len(d) > 0 {
		t.Fatalf("undo left: %v", d)
	}
}

// pendingCrashHelper applies a step whose first command runs long and
// whose second changes rules, in a netlab process killed during the
// first: its saved snapshot holds the rules as pending.
func pendingCrashHelper(dir string) {
	applyInHelper(dir, "doomed", "ping -c 50 -i 0.2 127.0.0.1", "iptables -t nat -F POSTROUTING")
}

// Killed while the rules were pending, the step is undone exactly by
// another process, which reads them then.
func TestCrashWhileRulesPendingThenUndo(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "one", "iptables -t nat -A POSTROUTING -s 10.0.0.0/8 -j MASQUERADE")); err != nil {
		t.Fatal(err)
	}
	want, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	killHelperWhen(t, s, "NETLAB_PENDING_CRASH_HELPER", "saved a pending snapshot", func(st *State) bool {
		return st.Running != nil && st.Running.Before.Nodes["host"].IptPending != nil
	})

	other, err := Open(s.Dir()) // as another netlab process would
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Undo(); err != nil {
		t.Fatalf("undo after the crash: %v", err)
	}
	got, _ := other.Snapshot()
	if d := want.Diff(got); len(d) > 0 {
		t.Fatalf("undo after a crash with the rules pending left: %v", d)
	}
	saved, err := readState(s.Dir())
	if err != nil || saved.Running != nil || len(saved.Applied) != 1 {
		t.Fatalf("after recovering: %v running, %d applied (%v)", saved.Running != nil, len(saved.Applied), err)
	}
}
