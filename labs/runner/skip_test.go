package runner

import (
	"os/exec"
	"strings"
	"testing"
)

const vlanLab = `
id: t
title: t
summary: t
setup:
  - node: host
    commands:
      - ip link add eth0 type veth peer name eth1
steps:
  - title: a bridge
    text: t
    commands:
      - ip link add br01 type bridge
  - title: a VLAN sub-interface
    text: t
    commands:
      - ip link add br02 type bridge
      - ip link add link eth0 name eth0.10 type vlan id 10
  - title: its macvlan
    text: t
    commands:
      - ip link add link eth0.10 name mv10 type macvlan mode bridge
  - title: the bridge up
    text: t
    commands:
      - ip link set br01 up
`

// kernelHasVlan skips a test of the skipped-step path on a kernel that
// can make VLAN links: there the step simply runs.
func kernelHasVlan(t *testing.T, rep *StepReport) {
	t.Helper()
	if rep.Skipped == "" && rep.OK {
		t.Skip("this kernel has 802.1Q (8021q): the VLAN step runs, nothing to skip")
	}
}

// netlab test reports a step the kernel cannot do as SKIPPED with the
// reason, and a step that needs what it would have made too; the other
// steps run, the lab passes and undo restores it exactly.
func TestTestSkipsMissingKernelFeature(t *testing.T) {
	needRoot(t)
	t.Setenv("NETLAB_RUN", t.TempDir())
	var lines []string
	res := Test(load(t, vlanLab), func(r *StepReport) { lines = append(lines, r.TestLine("t")) })
	if len(res.Steps) < 2 {
		t.Fatalf("%s", res.Text())
	}
	kernelHasVlan(t, res.Steps[1])
	if !res.OK || !res.Restored || len(res.Steps) != 4 {
		t.Fatalf("%s\n%s", strings.Join(lines, ""), res.Text())
	}
	for i, want := range []string{"", "802.1Q VLAN support (module 8021q)", "it uses eth0.10, which skipped step 2 would have made", ""} {
		r := res.Steps[i]
		if want == "" {
			if !r.OK || r.Skipped != "" {
				t.Errorf("step %d: %s", i+1, lines[i])
			}
			continue
		}
		if r.OK || !strings.Contains(r.Skipped, want) || !strings.HasPrefix(lines[i], "SKIPPED  t step") || !strings.Contains(lines[i], want) {
			t.Errorf("step %d: ok=%v skipped=%q line %q", i+1, r.OK, r.Skipped, lines[i])
		}
	}
}

// netlab step (and the TUI, which shows the same report) passes over the
// step with its reason and nothing of it applied: the bridge its first
// command made is gone again, and the session is at the next step.
func TestStepSkipsMissingKernelFeature(t *testing.T) {
	s := start(t, load(t, vlanLab))
	if _, err := s.Step(); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Step()
	if err != nil {
		t.Fatal(err)
	}
	kernelHasVlan(t, rep)
	if rep.OK || !strings.Contains(rep.Skipped, "this kernel has no 802.1Q VLAN support (module 8021q)") {
		t.Fatalf("%s", rep.Text(false))
	}
	if txt := rep.Text(false); !strings.Contains(txt, "[SKIPPED]") || !strings.Contains(txt, "skipped, nothing applied: this kernel has no 802.1Q") {
		t.Errorf("report:\n%s", txt)
	}
	if s.Applied() != 2 {
		t.Errorf("applied = %d, want 2 (the skipped step is passed)", s.Applied())
	}
	path, err := s.eng.NodePath("host")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("nsenter", "--net="+path, "ip", "link", "show").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "br01") || strings.Contains(string(out), "br02") {
		t.Errorf("the skipped step left br02 (or br01 is gone): %v\n%s", err, out)
	}
	u, err := s.Undo()
	if err != nil || u.Index != 2 {
		t.Fatalf("undo of the skipped step: %+v %v", u, err)
	}
}
