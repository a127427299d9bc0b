package engine

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/netlab/netlab/engine/privtest"
)

// machineState dumps the machine's own network state with the real tools,
// counters aside.
func machineState(t *testing.T) map[string]string {
	t.Helper()
	counters := regexp.MustCompile(`\[\d+:\d+\]`)
	state := map[string]string{}
	for name, args := range map[string][]string{
		"link":     {"ip", "-j", "link"},
		"addr":     {"ip", "-j", "addr"},
		"route":    {"ip", "-j", "route", "show", "table", "all"},
		"netns":    {"ip", "netns", "list"},
		"iptables": {"iptables-save"},
	} {
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v: %s", args, err, out)
		}
		s := string(out)
		if name == "iptables" {
			var keep []string
			for _, l := range strings.Split(s, "\n") {
				if !strings.HasPrefix(l, "#") {
					keep = append(keep, counters.ReplaceAllString(l, ""))
				}
			}
			s = strings.Join(keep, "\n")
		}
		state[name] = s
	}
	for _, k := range []string{"ipv4/ip_forward", "ipv4/conf/all/forwarding", "ipv4/conf/default/forwarding", "ipv6/conf/all/forwarding"} {
		b, err := os.ReadFile("/proc/sys/net/" + k)
		if err != nil {
			t.Fatal(err)
		}
		state[k] = string(b)
	}
	state["run"] = privtest.RunListing(t) // all of /run: names and mounts
	return state
}

// TestMachineUntouched runs the whole seed-001 sequence (forwarding and
// MASQUERADE included), undoes it, resets, and asserts the machine's own
// links, addresses, routes, iptables, sysctls and "ip netns list" are
// exactly as before, at every stage.
func TestMachineUntouched(t *testing.T) {
	needRoot(t)
	before := machineState(t)
	compare := func(stage string) {
		after := machineState(t)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("%s: the machine's %s changed:\nbefore:\n%s\nafter:\n%s", stage, k, v, after[k])
			}
		}
	}
	s := newLab(t, Spec{})
	for i, lines := range seedSteps[:len(seedSteps)-1] {
		st := step(t, "seed", lines...)
		if _, err := applyNext(s, st); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if got := realTool(t, s, "host", "sysctl", "-n", "net.ipv4.conf.all.forwarding"); got != "1\n" {
		t.Fatalf("lab forwarding = %q, the test would prove nothing", got)
	}
	if got := realTool(t, s, "host", "iptables-save", "-t", "nat"); !strings.Contains(got, "MASQUERADE") {
		t.Fatalf("lab nat table lacks MASQUERADE:\n%s", got)
	}
	compare("after applying the seed")
	for range seedSteps[:len(seedSteps)-1] {
		if _, err := s.Undo(); err != nil {
			t.Fatal(err)
		}
	}
	compare("after undoing it")
	if err := Reset(s.Dir()); err != nil {
		t.Fatal(err)
	}
	compare("after reset")
}

// TestMachineRunUntouched: a whole session (create, steps, exec's private
// /run is not used here, undo, reset) leaves /run exactly as it was.
func TestMachineRunUntouched(t *testing.T) {
	needRoot(t)
	before := privtest.RunListing(t)
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "ns", "ip netns add ns01", "brctl addbr br01")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	if err := Reset(s.Dir()); err != nil {
		t.Fatal(err)
	}
	if after := privtest.RunListing(t); after != before {
		t.Errorf("/run changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
