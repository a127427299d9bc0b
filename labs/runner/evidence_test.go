package runner

import (
	"strings"
	"testing"

	"github.com/netlab/netlab/engine/cmdline"
)

// isolate points the run directory at a temporary one, so that Test's
// scratch sessions never touch /run/netlab.
func isolate(t *testing.T) {
	t.Helper()
	needRoot(t)
	t.Setenv("NETLAB_RUN", t.TempDir())
}

// failures joins what went wrong in a test run.
func failures(res *TestResult) string {
	var f []string
	if res.Error != "" {
		f = append(f, res.Error)
	}
	for _, s := range res.Steps {
		f = append(f, s.Failures()...)
	}
	return strings.Join(f, "\n")
}

// The lab of issue 17: a not_seen on a capture of a bridge the same step
// creates passed, because the capture opened before the bridge existed.
// The ARP requests of the ping do leave br-test, so it must fail.
const vacuous = `
id: vacuous
title: a not_seen on a capture of an interface the same step creates
summary: The ARP requests of a failing ping leave br-test; an honest capture sees them.
nodes: [host1]
steps:
  - title: capture on a bridge the same step creates
    text: The ping finds no one on 10.9.0.0/24, so its ARP requests are all that goes out.
    commands:
      - ip link add br-test type bridge
      - ip addr add 10.9.0.1/24 dev br-test
      - ip link set br-test up
      - ping -c 1 -W 1 10.9.0.2
    capture: [host1:br-test]
    expect:
      - ping: fail
      - not_seen: ARP
`

func TestNotSeenOnCreatedInterfaceFails(t *testing.T) {
	isolate(t)
	res := Test(load(t, vacuous), nil)
	if res.OK {
		t.Fatalf("netlab test passed a not_seen that the packets contradict:\n%s", res.Text())
	}
	if f := failures(res); !strings.Contains(f, "but it was: ARP, Request who-has 10.9.0.2 tell 10.9.0.1") {
		t.Fatalf("failures do not show the ARP request seen on br-test:\n%s", f)
	}
}

// Every way a step can make an interface appear opens its capture in
// time to see the step's traffic on it.
func TestCaptureStartsWhenInterfaceAppears(t *testing.T) {
	isolate(t)
	const head = `
id: appear
title: t
summary: t
nodes: [host1]
steps:
  - title: t
    text: t
    commands:
`
	tests := []struct {
		name     string
		before   []string // commands of an earlier step
		commands []string
		capture  string
		seen     string
	}{
		{
			name:     "renamed away and created again",
			before:   []string{"ip link add br-test type bridge"},
			commands: []string{"ip link set br-test name old0", "ip link add br-test type bridge", "ip addr add 10.9.0.1/24 dev br-test", "ip link set br-test up", "ping -c 1 -W 1 10.9.0.2"},
			capture:  "host1:br-test",
			seen:     "ARP, Request who-has 10.9.0.2 tell 10.9.0.1",
		},
		{
			name:     "ip link add",
			commands: []string{"ip link add br-test type bridge", "ip addr add 10.9.0.1/24 dev br-test", "ip link set br-test up", "ping -c 1 -W 1 10.9.0.2"},
			capture:  "host1:br-test",
			seen:     "ARP, Request who-has 10.9.0.2 tell 10.9.0.1",
		},
		{
			name:     "brctl addbr",
			commands: []string{"brctl addbr br-test", "ifconfig br-test 10.9.0.1/24 up", "ping -c 1 -W 1 10.9.0.2"},
			capture:  "host1:br-test",
			seen:     "ARP, Request who-has 10.9.0.2 tell 10.9.0.1",
		},
		{
			name:     "renamed",
			commands: []string{"ip link add tmp0 type bridge", "ip link set tmp0 name br-test", "ip addr add 10.9.0.1/24 dev br-test", "ip link set br-test up", "ping -c 1 -W 1 10.9.0.2"},
			capture:  "host1:br-test",
			seen:     "ARP, Request who-has 10.9.0.2 tell 10.9.0.1",
		},
		{
			name: "moved into a namespace the step creates",
			commands: []string{"ip netns add ns9", "ip link add v9 type veth peer name v9p", "ip link set v9 netns ns9",
				"ip netns exec ns9 ip addr add 10.9.0.1/24 dev v9", "ip netns exec ns9 ip link set v9 up", "ip link set v9p up",
				"ip netns exec ns9 ping -c 1 -W 1 10.9.0.2"},
			capture: "ns9:v9",
			seen:    "ARP, Request who-has 10.9.0.2 tell 10.9.0.1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := head
			if tt.before != nil {
				for _, c := range tt.before {
					y += "      - " + c + "\n"
				}
				y += "  - title: t2\n    text: t\n    commands:\n"
			}
			for _, c := range tt.commands {
				y += "      - " + c + "\n"
			}
			y += "    capture: [" + tt.capture + "]\n    expect:\n      - ping: fail\n      - seen: \"" + tt.seen + "\"\n"
			res := Test(load(t, y), nil)
			if !res.OK {
				t.Fatalf("the capture on %s missed the step's packets:\n%s\n%s", tt.capture, res.Text(), failures(res))
			}
			// The mirror image must fail: the evidence is really there.
			y = strings.Replace(y, "- seen:", "- not_seen:", 1)
			if res := Test(load(t, y), nil); res.OK {
				t.Fatalf("not_seen %q on %s passed", tt.seen, tt.capture)
			}
		})
	}
}

// A capture that never ran leaves seen and not_seen without evidence:
// both fail and say why.
func TestNoCaptureNoVerdict(t *testing.T) {
	lab := load(t, `
id: nocap
title: t
summary: t
steps:
  - title: t
    text: t
    commands:
      - brctl addbr br-test
    capture: [br-test]
    expect:
      - seen: ARP
      - not_seen: ICMP
`)
	// What lint cannot know: the interface is not there at run time.
	lab.Steps[0].Capture[0].Iface = "nope0"
	for i := range lab.Steps[0].Expect {
		lab.Steps[0].Expect[i].On.Iface = "nope0"
	}
	s := start(t, lab)
	rep, err := s.Step()
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Expects) != 2 {
		t.Fatalf("a step judged on a capture that never ran passed:\n%s", rep.Text(true))
	}
	for _, e := range rep.Expects {
		if e.OK || !strings.Contains(e.Seen, "no capture ran on host:nope0: no interface nope0 on host") {
			t.Errorf("%s: ok=%v, %q", e.What, e.OK, e.Seen)
		}
	}
}

// A failing command fails its step unless the step expects that failure,
// read-only commands included.
func TestFailingCommands(t *testing.T) {
	isolate(t)
	step := func(commands, expect string) string {
		return `
id: fails
title: t
summary: t
steps:
  - title: t
    text: t
    commands:
` + commands + `    expect:
      - state: ip link
        contains: lo
` + expect
	}
	tests := []struct {
		name     string
		commands string
		expect   string
		swap     string // replaces command 1 after linting
		ok       bool
		why      string
	}{
		// Lint refuses this line (nothing creates br-nonexistent), so it is
		// swapped in after loading: the run-time judgement must hold too.
		{name: "brctl show of a missing bridge", commands: "      - ip link show lo\n", swap: "brctl show br-nonexistent", ok: false, why: `command 1 "brctl show br-nonexistent" on host failed, and the step does not expect it`},
		{name: "sysctl read of a missing key", commands: "      - sysctl net.ipv4.no_such_key\n", ok: false, why: "does not expect it"},
		{name: "a ping with no reply and no expectation", commands: "      - ping -c 1 -W 1 192.0.2.99\n", ok: false, why: "exit status 2: PING 192.0.2.99"},
		{name: "expected, any error", commands: "      - brctl show br-nonexistent\n", expect: "      - fails: true\n", ok: true},
		{name: "expected, with its text", commands: "      - sysctl net.ipv4.no_such_key\n", expect: "      - fails: \"No such file or directory\"\n", ok: true},
		{name: "expected text differs", commands: "      - brctl show br-nonexistent\n", expect: "      - fails: \"Permission denied\"\n", ok: false, why: "it failed with:"},
		{name: "expected but succeeds", commands: "      - brctl addbr br01\n", expect: "      - fails: true\n", ok: false, why: "it succeeded"},
		{
			name:     "a mutating command expected to fail does not roll back",
			commands: "      - brctl addbr br01\n      - brctl addbr br01\n      - ip link set br01 up\n",
			expect:   "      - fails: \"exists\"\n        command: 2\n      - state: ip link show br01\n        contains: UP\n",
			ok:       true,
		},
		{name: "not_contains holds", commands: "      - brctl addbr br01\n", expect: "      - state: ip link\n        not_contains: br02\n", ok: true},
		{name: "not_contains broken", commands: "      - brctl addbr br01\n", expect: "      - state: ip link\n        not_contains: br01\n", ok: false, why: "it printed:"},
		{name: "a failing state command proves nothing", commands: "      - brctl addbr br01\n", expect: "      - state: sysctl net.ipv4.no_such_key\n        not_contains: br01\n", ok: false, why: "it failed, so its output proves nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lab := load(t, step(tt.commands, tt.expect))
			if tt.swap != "" {
				c, err := cmdline.Parse(tt.swap)
				if err != nil {
					t.Fatal(err)
				}
				lab.Steps[0].Commands[0].Text, lab.Steps[0].Commands[0].Parsed = tt.swap, c
			}
			res := Test(lab, nil)
			f := failures(res)
			if res.OK != tt.ok {
				t.Fatalf("ok = %v, want %v:\n%s\n%s", res.OK, tt.ok, res.Text(), f)
			}
			if !tt.ok && !strings.Contains(f, tt.why) {
				t.Fatalf("failures do not say %q:\n%s", tt.why, f)
			}
			if tt.ok && !res.Restored {
				t.Fatalf("undo did not restore: %v", res.Diff)
			}
		})
	}
}
