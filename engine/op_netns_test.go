package engine

import (
	"testing"
)

// Like "ip netns add", a namespace starts with lo down; lab hosts have it up.
func TestNetnsAddLeavesLoopbackDown(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "ns", "ip netns add ns01")); err != nil {
		t.Fatal(err)
	}
	if l, _ := linkOf(t, s, "ns01", "lo"); l.up() {
		t.Error("lo is up in a fresh ip netns add namespace")
	}
	if l, _ := linkOf(t, s, "host", "lo"); !l.up() {
		t.Error("lo is down on the lab host")
	}
}
