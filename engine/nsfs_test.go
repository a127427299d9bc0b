package engine

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/netlab/netlab/engine/ns"
)

func TestMachineNamespaceIsRefused(t *testing.T) {
	needRoot(t)
	if _, err := ns.IsNSMount("/proc/self/ns/net"); err == nil || !strings.Contains(err.Error(), "machine's own") {
		t.Fatalf("ns.IsNSMount(machine) = %v", err)
	}
	if err := removeNS("/proc/self/ns/net", true); err == nil {
		t.Fatal("removeNS accepted the machine's namespace")
	}
	dir := t.TempDir()
	if err := claimDir(dir, true); err != nil {
		t.Fatal(err)
	}
	st := &State{Version: stateVersion, Nodes: []Node{{Name: "host", Kind: KindHost, Path: "/proc/1/ns/net"}}}
	if err := writeState(dir, st); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("a state pointing outside netlab's directory: %v", err)
	}
	links := func() string {
		out, err := exec.Command("ip", "-br", "link").CombinedOutput()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	before := links()
	// Reset removes the damaged state and only what netlab mounted in dir.
	if err := Reset(dir); err != nil {
		t.Fatalf("reset of a damaged state: %v", err)
	}
	if after := links(); after != before {
		t.Fatalf("reset changed the machine's links:\n%s\n%s", before, after)
	}
	if _, err := Open(dir); err != ErrNoSession {
		t.Fatalf("Open after reset: %v", err)
	}
}
