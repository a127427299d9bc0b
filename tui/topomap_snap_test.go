package tui

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/engine/privtest"
	"github.com/netlab/netlab/labs/runner"
)

// topoSteps are the bridge lab's steps whose kernel state the map goldens
// draw: after setup, after the namespaces are configured, after MASQUERADE.
var topoSteps = []int{0, 8, 13}

// bridgeSteps is how many steps the bridge lab has; a snapshot is stored
// after each (and after setup, 0) for the tests that check every step.
const bridgeSteps = 16

func topoSnapPath(step int) string {
	return filepath.Join("testdata", "topomap", fmt.Sprintf("bridge-step%02d.json", step))
}

// stableSnap clears what differs between two runs of the same lab (MAC
// addresses are random) so the stored snapshots only change when the
// kernel state a lab builds does.
func stableSnap(s *engine.Snapshot) *engine.Snapshot {
	// What the kernel learns by itself (neighbours, link-local addresses,
	// carrier and operstate, which settle with time) is not drawn on the
	// map, so it is left out of the stored states.
	s.Learned = false
	for _, n := range s.Nodes {
		n.Neighs = nil
		for i := range n.Links {
			n.Links[i].MAC = ""
			n.Links[i].LinkLocal = nil
			n.Links[i].Carrier, n.Links[i].Oper = false, ""
		}
	}
	return s
}

// TestTopoSnapshotsFromKernel plays the real bridge lab in a throwaway
// session and checks that the snapshots the map goldens draw are still
// what the kernel holds at those steps; with -update it rewrites them.
// The golden tests themselves read the JSON and need no root.
func TestTopoSnapshotsFromKernel(t *testing.T) {
	privtest.Need(t)
	dir := t.TempDir()
	t.Setenv("NETLAB_RUN", dir)
	s, err := runner.Start(bridgeLab(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		if err := engine.Reset(dir); err != nil {
			t.Errorf("reset: %v", err)
		}
	})
	update := flag.Lookup("update") != nil && flag.Lookup("update").Value.String() == "true"
	if n := len(bridgeLab(t).Steps); n != bridgeSteps {
		t.Fatalf("the bridge lab has %d steps, the stored snapshots %d: update bridgeSteps and run with -update", n, bridgeSteps)
	}
	for applied := 0; applied <= bridgeSteps; applied++ {
		if applied > 0 {
			rep, err := s.Step()
			if err != nil {
				t.Fatalf("step %d: %v", applied, err)
			}
			if !rep.OK {
				t.Fatalf("step %d did not hold: %v", applied, rep.Failures())
			}
		}
		snap, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.MarshalIndent(stableSnap(snap), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := topoSnapPath(applied)
		if update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(want) != string(got) {
			t.Errorf("the kernel state after step %d differs from %s (go test ./tui -run TopoSnapshots -update):\n%s", applied, path, got)
		}
	}
}

// loadTopoSnap reads a stored snapshot of the bridge lab.
func loadTopoSnap(t testing.TB, step int) *engine.Snapshot {
	t.Helper()
	b, err := os.ReadFile(topoSnapPath(step))
	if err != nil {
		t.Fatal(err)
	}
	var s engine.Snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}
