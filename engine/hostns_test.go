package engine

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// overlayNS is the namespace name Docker's overlay driver gives one
// network on every host that joins it.
const overlayNS = "1-722bc7739c"

// twoHostLab is two lab hosts joined by an underlay veth (eth0 on both).
func twoHostLab(t *testing.T) *Session {
	return newLab(t, Spec{Hosts: []string{"host1", "host2"}, Setup: []NodeCommand{
		{"host1", mustParse(t, "ip link add eth0 type veth peer name eth0 netns host2")},
		{"host1", mustParse(t, "ip link set eth0 up")},
		{"host2", mustParse(t, "ip link set eth0 up")},
	}})
}

// overlayStep makes the overlay namespace on a host, with a veth into it
// holding addr: the same commands on both hosts.
func overlayStep(t *testing.T, host, addr string) Transaction {
	st := step(t, "overlay namespace on "+host,
		"ip netns add "+overlayNS,
		"ip link add veth0 type veth peer name eth0 netns "+overlayNS,
		"ip netns exec "+overlayNS+" ip addr add "+addr+" dev eth0",
		"ip netns exec "+overlayNS+" ip link set eth0 up",
		"ip link add veth1 type veth peer name moved",
		"ip link set moved netns "+overlayNS)
	st.Node = host
	return st
}

// TestSameNetnsNameOnTwoHosts: each lab host has its own "ip netns" names.
// Docker's overlay namespace name is made on host1 and on host2; each is
// reached by its host's steps and by exec, listed on its own host only,
// named readably in diffs, and undo puts the lab back exactly.
func TestSameNetnsNameOnTwoHosts(t *testing.T) {
	s := twoHostLab(t)
	before, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := applyNext(s, overlayStep(t, "host1", "10.0.0.1/24")); err != nil {
		t.Fatalf("host1: %v", err)
	}
	mid, _ := s.Snapshot()
	if _, err := applyNext(s, overlayStep(t, "host2", "10.0.0.2/24")); err != nil {
		t.Fatalf("host2 (the same name): %v", err)
	}
	q := overlayNS + "@host2"
	n := s.st.node(q)
	if n == nil || n.Local != overlayNS || n.Parent != "host2" || filepath.Base(n.Path) != q {
		t.Fatalf("host2's namespace: %+v (nodes %v)", n, s.st.NodeNames())
	}
	// Each step's "ip netns exec" reached its own host's namespace.
	for _, tc := range []struct{ node, want, not string }{
		{overlayNS, "10.0.0.1/24", "10.0.0.2"},
		{overlayNS + "@host1", "10.0.0.1/24", "10.0.0.2"},
		{q, "10.0.0.2/24", "10.0.0.1"},
	} {
		out := realTool(t, s, tc.node, "ip", "-br", "addr", "show", "eth0")
		if !strings.Contains(out, tc.want) || strings.Contains(out, tc.not) {
			t.Errorf("%s: %s", tc.node, out)
		}
		if out := realTool(t, s, tc.node, "ip", "-br", "link", "show", "moved"); !strings.HasPrefix(out, "moved@") {
			t.Errorf("ip link set moved netns on its host: %s has %q", tc.node, out)
		}
	}
	for host, want := range map[string]string{"host1": "10.0.0.1/24", "host2": "10.0.0.2/24"} {
		if res := s.Run(host, mustParse(t, "ip netns list")); res.Err != nil || res.Output != overlayNS+"\n" {
			t.Errorf("ip netns list on %s: %q %v", host, res.Output, res.Err)
		}
		res := s.Run(host, mustParse(t, "ip netns exec "+overlayNS+" ip addr show eth0"))
		if res.Err != nil || !strings.Contains(res.Output, want) {
			t.Errorf("ip netns exec on %s: %v\n%s", host, res.Err, res.Output)
		}
	}
	after2, _ := s.Snapshot()
	var lines []string
	for _, c := range mid.Diff(after2) {
		lines = append(lines, c.String())
	}
	if d := strings.Join(lines, "\n"); !strings.Contains(d, q) {
		t.Errorf("the diff of host2's step does not name %s:\n%s", q, d)
	}

	// A namespace only host2 has is not found on host1, as on two machines.
	st := step(t, "c2 on host2", "ip netns add c2")
	st.Node = "host2"
	if _, err := applyNext(s, st); err != nil {
		t.Fatal(err)
	}
	if res := s.Run("host1", mustParse(t, "ip netns exec c2 ip link show")); res.Err == nil || !strings.Contains(res.Err.Error(), `"c2"`) {
		t.Errorf("host2's c2 from host1: %v", res.Err)
	}
	if res := s.Run("host2", mustParse(t, "ip netns exec c2 ip link show")); res.Err != nil {
		t.Errorf("c2 on host2: %v", res.Err)
	}

	// Deleting host2's namespace leaves host1's; its undo brings back the
	// qualified node with its veth.
	del := step(t, "delete on host2", "ip netns del "+overlayNS)
	del.Node = "host2"
	beforeDel, _ := s.Snapshot()
	if _, err := applyNext(s, del); err != nil {
		t.Fatal(err)
	}
	if s.st.node(q) != nil || s.st.node(overlayNS) == nil {
		t.Fatalf("after ip netns del on host2: %v", s.st.NodeNames())
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	back, _ := s.Snapshot()
	if d := beforeDel.Diff(back); len(d) > 0 {
		t.Fatalf("undo of the delete: %v", d)
	}
	if n := s.st.node(q); n == nil || n.Local != overlayNS {
		t.Fatalf("undo made host2's namespace again as %+v", n)
	}
	for range 3 {
		if _, err := s.Undo(); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := s.Snapshot()
	if d := before.Diff(after); len(d) > 0 {
		t.Fatalf("undo: %v", d)
	}
	if got := s.st.NodeNames(); strings.Join(got, ",") != "host1,host2" {
		t.Fatalf("nodes after undo: %v", got)
	}
}

// TestEnterListsOwnHostNetns: "netlab exec host2 -- ip netns list" shows
// host2's namespaces under their names, not host1's nor host1 itself, and
// "ip netns exec NAME" there enters host2's.
func TestEnterListsOwnHostNetns(t *testing.T) {
	s := twoHostLab(t)
	if _, err := applyNext(s, overlayStep(t, "host1", "10.0.0.1/24")); err != nil {
		t.Fatal(err)
	}
	st := step(t, "c1 on host1", "ip netns add c1")
	st.Node = "host1"
	if _, err := applyNext(s, st); err != nil {
		t.Fatal(err)
	}
	if _, err := applyNext(s, overlayStep(t, "host2", "10.0.0.2/24")); err != nil {
		t.Fatal(err)
	}
	// The names "ip netns list" prints, without the "(id: N)" it adds
	// for a namespace with a peer id.
	enter := func(node string, argv ...string) string {
		t.Helper()
		c := exec.Command(os.Args[0], "-test.run=^$")
		c.Env = append(os.Environ(), "NETLAB_ENTER_HELPER="+s.Dir(), "NETLAB_ENTER_NODE="+node, "NETLAB_ENTER_ARGV="+strings.Join(argv, " "))
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("enter %s %v: %v\n%s", node, argv, err, out)
		}
		if argv[len(argv)-1] != "list" {
			return string(out)
		}
		var names []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if f := strings.Fields(l); len(f) > 0 {
				names = append(names, f[0])
			}
		}
		return strings.Join(names, " ")
	}
	if out := enter("host2", "ip", "netns", "list"); out != overlayNS {
		t.Errorf("ip netns list inside host2: %q", out)
	}
	if out := enter("host1", "ip", "netns", "list"); out != "c1 "+overlayNS && out != overlayNS+" c1" {
		t.Errorf("ip netns list inside host1: %q", out)
	}
	if out := enter(overlayNS+"@host2", "ip", "netns", "list"); out != "host2" {
		t.Errorf("ip netns list inside host2's %s: %q", overlayNS, out)
	}
	if out := enter("host2", "ip", "netns", "exec", overlayNS, "ip", "-br", "addr", "show", "eth0"); !strings.Contains(out, "10.0.0.2/24") {
		t.Errorf("ip netns exec %s inside host2: %s", overlayNS, out)
	}
}

// TestQualifiedNodeState: a state file's qualified node must be exactly
// LOCAL@HOST of one of its lab hosts; anything else, a path above all, is
// refused as damaged.
func TestQualifiedNodeState(t *testing.T) {
	for _, tc := range []struct {
		name, id, local, kind string
		ok                    bool
	}{
		{"qualified", "n@host2", "n", KindNetns, true},
		{"path as local", "../x@host2", "../x", KindNetns, false},
		{"path as id", "n@host2/../../etc", "n", KindNetns, false},
		{"slash in local", "a/b@host2", "a/b", KindNetns, false},
		{"not a host", "n@nobody", "n", KindNetns, false},
		{"another name", "m@host2", "n", KindNetns, false},
		{"a host", "n@host2", "n", KindHost, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			st := State{Version: stateVersion, Nodes: []Node{
				{Name: "host1", Kind: KindHost, Path: nsPath(dir, "host1")},
				{Name: "host2", Kind: KindHost, Path: nsPath(dir, "host2")},
				{Name: tc.id, Local: tc.local, Kind: tc.kind, Parent: "host2", Path: nsPath(dir, tc.id)},
			}}
			err := st.validate(dir)
			if (err == nil) != tc.ok {
				t.Fatalf("validate: %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "not") {
				t.Errorf("error says nothing: %v", err)
			}
			writeRawState(t, dir, st)
			var damaged *DamagedError
			if _, err := readState(dir); !tc.ok && !errors.As(err, &damaged) {
				t.Errorf("readState of the crafted state: %v", err)
			}
		})
	}
}

// enterHelper is the test binary run as "netlab exec": it enters the node
// NETLAB_ENTER_NODE names and becomes NETLAB_ENTER_ARGV there.
func enterHelper(dir string) {
	s, err := Open(dir)
	if err == nil {
		err = s.Enter(os.Getenv("NETLAB_ENTER_NODE"), strings.Fields(os.Getenv("NETLAB_ENTER_ARGV")), os.Environ())
	}
	os.Stderr.WriteString(err.Error() + "\n")
}
