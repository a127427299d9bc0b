package labs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoodLabFiles: the labs in testdata/good lint clean, with no warning.
// vacuous.yaml is issue 17's lab: a capture on a bridge its own step
// creates.
func TestGoodLabFiles(t *testing.T) {
	paths, err := filepath.Glob("testdata/good/*")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no good labs: %v", err)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			lab, err := LoadFile(p)
			if err != nil {
				t.Fatalf("LoadFile: %v", err)
			}
			if len(lab.Warnings) > 0 {
				t.Errorf("warnings: %v", lab.Warnings)
			}
		})
	}
	lab, err := LoadFile("testdata/good/vacuous.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c := lab.Steps[0].Capture; len(c) != 1 || c[0].String() != "host1:br-test" {
		t.Errorf("captures = %v, want host1:br-test", c)
	}
	if lab.Timeout(&lab.Steps[0]) != DefaultStepTimeout {
		t.Errorf("timeout = %v, want the default", lab.Timeout(&lab.Steps[0]))
	}
}

// TestFollowClean: forms that work at run time lint clean; each guards a
// rule of follow.go against a false alarm.
func TestFollowClean(t *testing.T) {
	tests := []struct {
		name  string
		steps string
	}{
		{name: "capture on a veth end the step moves in", steps: `
    commands:
      - ip netns add ns1
      - ip link add v0 type veth peer name v1
      - ip link set v1 netns ns1
      - ip netns exec ns1 ip link set v1 up
    capture: [ns1:v1, v0]`},
		{name: "tcpdump before the bridge it names", steps: `
    commands:
      - tcpdump -i br0 -nn
      - ip link add br0 type bridge
      - ip link set dev br0 up`},
		{name: "recreate after delete, veth peer and namespace", steps: `
    commands:
      - ip netns add ns1
      - ip link add v0 type veth peer name v1 netns ns1
      - ip link del v0
      - ip netns exec ns1 ip link add v1 type bridge
      - ip netns del ns1
      - ip netns add ns1
      - ip link add v0 type veth peer name v1 netns ns1`},
		{name: "rename then reuse the old name", steps: `
    commands:
      - ip link add br0 type bridge
      - ip link set br0 name br1
      - brctl addbr br0
      - brctl addif br0 br1
      - ip addr add 10.0.0.1/24 dev br1
      - ip route add 10.1.0.0/24 dev br1
      - ifconfig br0 up
      - ip link show br0
      - ip a s dev br1`},
		{name: "macvlan on a bridge", steps: `
    commands:
      - ip link add br0 type bridge
      - ip link add link br0 name mv0 type macvlan mode bridge
      - brctl show br0`},
		{name: "capture on a namespace the step creates", steps: `
    commands:
      - ip netns add ns2
    capture: [ns2:lo]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "id: x\ntitle: t\nsummary: s\nsteps:\n  - title: t\n    text: x" + tt.steps + "\n"
			if _, err := Load("x.yaml", []byte(src)); err != nil {
				t.Errorf("Load: %v\n%s", err, src)
			}
		})
	}
}

// TestLintWarningsDoNotFail: Lint reports a lab's warnings and still
// counts the file as ok.
func TestLintWarningsDoNotFail(t *testing.T) {
	src, err := os.ReadFile("testdata/broken/long_ping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := writeLabs(t, map[string]string{"long.yaml": string(src)})
	errs, ok := Lint([]string{dir})
	if errs.Failed() || len(ok) != 1 {
		t.Fatalf("Lint = %v, ok %v; want warnings only and the file ok", errs, ok)
	}
	if len(errs) != 2 || !strings.Contains(errs.Error(), ": warning: this command can run for 16h39m1s") {
		t.Errorf("Lint warnings = %v", errs)
	}
}

// TestFollowReportsANameOnce: one missing name in a line is one error, even
// where the line makes several operations that name it (brctl addif with
// two interfaces, ifconfig with an address and a flag).
func TestFollowReportsANameOnce(t *testing.T) {
	src := "id: x\ntitle: t\nsummary: s\nsteps:\n  - title: t\n    text: x\n    commands:\n" +
		"      - brctl addif br9 v8 v9\n" +
		"      - ifconfig eth9 10.0.0.1/24 up\n"
	_, err := Load("x.yaml", []byte(src))
	if err == nil {
		t.Fatal("Load: no error")
	}
	msg := err.Error()
	for name, want := range map[string]int{`"br9"`: 1, `"v8"`: 1, `"v9"`: 1, `"eth9"`: 1} {
		if got := strings.Count(msg, "no interface "+name); got != want {
			t.Errorf("%s reported %d times, want %d:\n%s", name, got, want, msg)
		}
	}
	for _, at := range []string{"x.yaml:8:21:", "x.yaml:8:25:", "x.yaml:8:28:", "x.yaml:9:18:"} {
		if !strings.Contains(msg, at) {
			t.Errorf("no error at %s:\n%s", at, msg)
		}
	}
}

// TestFollowNeighNeedsItsDevice: a static neighbour entry on a device the
// lab has not made yet is an error at the device's word; once the device
// exists, the same line lints clean.
func TestFollowNeighNeedsItsDevice(t *testing.T) {
	head := "id: x\ntitle: t\nsummary: s\nsteps:\n  - title: t\n    text: x\n    commands:\n"
	line := "      - ip neigh add 10.244.1.0 lladdr 02:00:00:00:00:01 dev flannel.1\n"
	_, err := Load("x.yaml", []byte(head+line))
	if err == nil || !strings.Contains(err.Error(), `x.yaml:8:62:`) || !strings.Contains(err.Error(), `no interface "flannel.1"`) {
		t.Fatalf("Load = %v, want an error at x.yaml:8:62 naming flannel.1", err)
	}
	made := "      - ip link add flannel.1 type veth peer name peer1\n"
	if _, err := Load("x.yaml", []byte(head+made+line)); err != nil {
		t.Fatalf("Load with the device made first: %v", err)
	}
}
