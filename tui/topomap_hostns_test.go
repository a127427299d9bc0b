package tui

import (
	"strings"
	"testing"

	"github.com/netlab/netlab/engine"
)

// TestTopoMapNetnsNamePerHost: two hosts' namespaces of one name are each
// drawn inside their host's box under that name, not host2's id
// "NAME@HOST".
func TestTopoMapNetnsNamePerHost(t *testing.T) {
	snap := &engine.Snapshot{Order: []string{"host1", "host2", "ov", "ov@host2"}, Nodes: map[string]*engine.NodeSnap{
		"host1":    {Kind: engine.KindHost},
		"host2":    {Kind: engine.KindHost},
		"ov":       {Kind: engine.KindNetns, Parent: "host1", Links: []engine.LinkSnap{{Name: "br0", Kind: "bridge", Up: true}}},
		"ov@host2": {Kind: engine.KindNetns, Parent: "host2", Local: "ov", Links: []engine.LinkSnap{{Name: "br0", Kind: "bridge", Up: true}}},
	}}
	tops := buildTopo(snap)
	if len(tops) != 2 || len(tops[1].kids) != 1 || tops[1].kids[0].label != "ov" || tops[0].kids[0].label != "ov" {
		t.Fatalf("boxes: %+v", tops)
	}
	if out := plainMap(snap, 120, topoMarks{}); strings.Contains(out, "ov@host2") || strings.Count(out, "ov") < 2 {
		t.Errorf("the map names host2's namespace by its id:\n%s", out)
	}
}
