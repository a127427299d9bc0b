package rootless

import (
	"testing"
)

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
