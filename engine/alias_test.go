package engine

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// TestAliasesShareNamespace: an alias reaches the namespace of the node it
// names (Docker's --network container:NAME and host), commands run there
// through it, and before that node exists the alias says so.
func TestAliasesShareNamespace(t *testing.T) {
	s := newLab(t, Spec{Aliases: map[string]string{"c2": "ns01", "hostc": "host"}})
	if _, err := s.NodePath("c2"); err == nil || !strings.Contains(err.Error(), "c2 shares the network namespace of ns01, which does not exist now") {
		t.Errorf("alias before its node: %v", err)
	}
	if _, err := applyNext(s, step(t, "ns", "ip netns add ns01")); err != nil {
		t.Fatal(err)
	}
	for alias, node := range map[string]string{"c2": "ns01", "hostc": "host"} {
		a, err1 := s.NodePath(alias)
		n, err2 := s.NodePath(node)
		if err1 != nil || err2 != nil || a != n {
			t.Errorf("%s: %q %v, %s: %q %v", alias, a, err1, node, n, err2)
		}
	}
	st := step(t, "on the alias", "ip link add dummy0 type bridge")
	st.Node = "c2"
	if _, err := applyNext(s, st); err != nil {
		t.Fatal(err)
	}
	if _, ok := ipLinks(t, s, "ns01")["dummy0"]; !ok {
		t.Errorf("a command on c2 did not land in ns01: %v", ipLinks(t, s, "ns01"))
	}
	snap, err := s.SnapshotLean()
	if err != nil {
		t.Fatal(err)
	}
	if snap.Aliases["c2"] != "ns01" || snap.Nodes["c2"] != nil {
		t.Errorf("snapshot aliases %v, nodes %v", snap.Aliases, snap.Order)
	}
}

// TestAliasesFromStateAreNames: aliases read back from a state file are
// names, never paths, and never another node's name.
func TestAliasesFromStateAreNames(t *testing.T) {
	for _, bad := range []map[string]string{{"../x": "host"}, {"x": "../../etc"}, {"host": "ns01"}, {"a": "b", "b": "host"}} {
		dir := t.TempDir()
		st := &State{Version: stateVersion, Aliases: bad}
		st.Nodes = []Node{{Name: "host", Kind: KindHost, Path: nsPath(dir, "host")}}
		b, _ := json.Marshal(st)
		os.WriteFile(statePath(dir), b, 0o600)
		_, err := readState(dir)
		var d *DamagedError
		if !errors.As(err, &d) {
			t.Errorf("aliases %v read back: %v", bad, err)
		}
	}
	if err := checkAliases(Spec{Hosts: []string{"host"}, Aliases: map[string]string{"host": "ns01"}}); err == nil {
		t.Errorf("an alias named as a lab host was accepted")
	}
}
