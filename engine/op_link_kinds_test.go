package engine

import (
	"strings"
	"testing"
)

// The check of "ip link add ... type vxlan" judges the options too: a
// vxlan made without proxy does not pass for one the line wants with it.
func TestVxlanCheckJudgesOptions(t *testing.T) {
	s := newLab(t, Spec{})
	made := step(t, "vxlan", "ip link add vxlan0 type vxlan id 256 dstport 4789 nolearning ttl inherit")
	if _, err := applyNext(s, made); err != nil {
		t.Fatal(err)
	}
	if c := s.Check(made); c[0].Err != nil {
		t.Fatalf("check of the line that made it: %v", c[0].Err)
	}
	other := step(t, "other", "ip link add vxlan0 type vxlan id 256 dstport 4789 nolearning proxy ttl inherit")
	c := s.Check(other)
	if c[0].Err == nil || !strings.Contains(c[0].Err.Error(), "vxlan vxlan0 on host has id 256 dstport 4789 nolearning ttl=inherit, should have id 256 dstport 4789 nolearning proxy ttl=inherit") {
		t.Errorf("check = %v", c[0].Err)
	}
}
