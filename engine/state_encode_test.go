package engine

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// encodeState must write what json.Marshal writes, byte for byte: the
// snapshots in their places, in order, whatever the strings around them
// hold.
func TestEncodeStateIsMarshal(t *testing.T) {
	snap := func(node, link string) *Snapshot {
		return &Snapshot{Order: []string{node}, Learned: true, Nodes: map[string]*NodeSnap{
			node: {Kind: KindHost, Links: []LinkSnap{{Name: link, Kind: "bridge", MTU: 1500}}, Sysctls: map[string]string{"k": `"before":0`}},
		}}
	}
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	st := &State{Version: stateVersion, Created: at,
		Meta:  map[string]string{"before": `"before":0 <&>`, "lab": "x"},
		Nodes: []Node{{Name: "host", Kind: KindHost, Path: "/run/netlab/netns/host"}},
		Applied: []AppliedStep{
			{Index: 0, Title: `a "before":0 title`, Before: snap("host", "br0"), At: at},
			{Index: 1, Title: "by hand", ByHand: true, At: at}, // no snapshot
			{Index: 2, Title: "<b>", Before: snap("host", "br1"), At: at, Skipped: "no 8021q"},
		},
		Running: &RunningStep{Index: 3, Title: "r", Text: `ip link add "before":0`, Before: snap("host", "br2"), Started: at},
	}
	check := func(what string) {
		t.Helper()
		got, err := encodeState(st)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: encodeState differs from json.Marshal:\n got %s\nwant %s", what, got, want)
		}
	}
	check("fresh snapshots")
	check("kept encodings") // the second time each snapshot's JSON is the kept one
	st.Running = nil
	check("no running step")
	st.Applied = nil
	check("nothing applied")
}

// A seed lab's state, written at every step, reads back as it was.
func TestEncodeStateSeed(t *testing.T) {
	s := newLab(t, Spec{})
	for i, lines := range seedSteps[:10] {
		st := step(t, "seed", lines...)
		st.Index = i
		if _, err := applyNext(s, st); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		got, err := encodeState(s.st)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(s.st)
		if !bytes.Equal(got, want) {
			t.Fatalf("after step %d: encodeState differs from json.Marshal", i)
		}
		onDisk, err := readStateFile(s.Dir())
		if err != nil || !bytes.Equal(onDisk, got) {
			t.Fatalf("after step %d: the state file does not hold the encoded state (%v)", i, err)
		}
	}
}
