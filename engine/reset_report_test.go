package engine

import (
	"testing"
)

// TestResetReport: a reset says which lab it removed and how many
// namespaces went (the lab host and the one a step made), and a second
// reset finds nothing to remove.
func TestResetReport(t *testing.T) {
	s := newLab(t, Spec{Hosts: []string{"host"}, Meta: map[string]string{"lab": "bridge"}})
	if _, err := applyNext(s, step(t, "ns", "ip netns add ns01")); err != nil {
		t.Fatal(err)
	}
	dir := s.Dir()
	tests := []struct {
		name string
		want ResetSummary
		line string
	}{
		{"first reset removes the lab", ResetSummary{Lab: "bridge", Namespaces: 2}, "removed lab bridge: 2 namespaces"},
		{"second reset has nothing to do", ResetSummary{}, "nothing to remove"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResetReport(dir)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || got.String() != tt.line {
				t.Errorf("ResetReport = %+v %q, want %+v %q", got, got.String(), tt.want, tt.line)
			}
		})
	}
}

// TestResetSummaryString spells out the lines netlab reset prints.
func TestResetSummaryString(t *testing.T) {
	tests := []struct {
		name string
		sum  ResetSummary
		want string
	}{
		{"nothing", ResetSummary{}, "nothing to remove"},
		{"one namespace", ResetSummary{Lab: "nat", Namespaces: 1}, "removed lab nat: 1 namespace"},
		{"damaged state", ResetSummary{Namespaces: 3}, "removed an unreadable session: 3 namespaces"},
		{"scratch too", ResetSummary{Lab: "bridge", Namespaces: 4, Scratch: 1}, "removed lab bridge: 4 namespaces; 1 session of netlab test"},
		{"scratch only", ResetSummary{Scratch: 2}, "removed 2 sessions of netlab test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sum.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}
