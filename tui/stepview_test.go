package tui

import (
	"strings"
	"testing"

	"github.com/netlab/netlab/labs"
)

func TestStepFailureIsShown(t *testing.T) {
	h := labHarness(t)
	h.send(stepDoneMsg{index: 0, err: nil, rep: &runnerReportFailed, state: readState(h.m.sess)})
	h.wantScreen("✗  1 Create", "failed and was rolled back", "bridge br01 exists")
}

// TestPacketsUnderThePing: a step's captured packets are listed under the
// ping that sent them, not after the show commands that follow it; a step
// that pings nothing lists them under its last command.
func TestPacketsUnderThePing(t *testing.T) {
	tests := []struct {
		name     string
		commands string
		before   string // the command whose output the packets follow
		after    string // the command listed after the packets; "" for none
	}{
		{name: "ping first", commands: "      - ip link add br01 type bridge\n      - ping 192.168.88.1 -c 1\n      - ip link show br01\n",
			before: "$ ping 192.168.88.1 -c 1", after: "$ ip link show br01"},
		{name: "no ping", commands: "      - ip link add br01 type bridge\n      - ip link show br01\n      - ip -br link show br01\n",
			before: "$ ip -br link show br01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "id: pings\ntitle: Pings\nsummary: packets under the ping\nnodes: [host]\nsteps:\n  - title: Ping the bridge\n    node: host\n    text: Ping it.\n    commands:\n" +
				tc.commands + "    capture: [host:br01]\n"
			lab, err := labs.Load("pings.yaml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, Options{Lab: lab}, &fakeBackend{stepPackets: natPackets(t)})
			h.key("enter")
			_, body, _ := h.m.step.stepContent(200)
			text := strings.Join(body, "\n")
			at := func(s string) int {
				i := strings.Index(text, s)
				if i < 0 {
					t.Fatalf("the step lacks %q:\n%s", s, text)
				}
				return i
			}
			pk := at("captured during the step (5):")
			if at(tc.before) > pk || at("output of "+strings.TrimPrefix(tc.before, "$ ")) > pk {
				t.Errorf("the packets come before %q and its output:\n%s", tc.before, text)
			}
			if tc.after != "" && at(tc.after) < pk {
				t.Errorf("the packets come after %q:\n%s", tc.after, text)
			}
		})
	}
}
