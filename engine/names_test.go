package engine

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// namesLab is pairLab with a names table on host from setup, as a lab's
// names: gives it: "web" is the peer.
func namesLab(t *testing.T) *Session {
	t.Helper()
	return pairLabSpec(t, Spec{Names: map[string][]HostLine{
		"host": {{Addr: "192.0.2.2", Names: []string{"web"}}},
	}})
}

// names lists a snapshot's name facts of a node.
func nameFacts(sn *Snapshot, node string) string {
	var out []string
	for _, f := range (namesObject{}).facts(node, sn.Nodes[node], true) {
		out = append(out, f.value)
	}
	return strings.Join(out, ", ")
}

// The table from setup, a line added by a step (shown by what-changed,
// checked), and undo putting the table back exactly.
func TestNamesSetupStepUndo(t *testing.T) {
	s := namesLab(t)
	before, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if got := nameFacts(before, "host"); got != "web 192.0.2.2" {
		t.Fatalf("names from setup: %q", got)
	}
	if got := nameFacts(before, "peer"); got != "" {
		t.Fatalf("peer has names: %q", got)
	}
	st := step(t, "link", `echo "192.0.2.2 bbox1 b1" >> /etc/hosts`)
	res, err := applyNext(s, st)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Output != "" || res[0].ExitCode != 0 {
		t.Errorf("echo printed %q, exit %d", res[0].Output, res[0].ExitCode)
	}
	for _, c := range s.Check(st) {
		if c.Err != nil {
			t.Errorf("check %s: %v", c.Command.Text, c.Err)
		}
	}
	after, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	for _, c := range before.Diff(after) {
		changes = append(changes, c.String())
	}
	if got, want := strings.Join(changes, "\n"), "+ host name: bbox1 192.0.2.2\n+ host name: b1 192.0.2.2"; got != want {
		t.Errorf("what changed:\n%s\nwant:\n%s", got, want)
	}
	// persisted: another process sees the table
	again, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if ip, canon, ok := again.lookupName("host", "B1"); !ok || ip.String() != "192.0.2.2" || canon != "bbox1" {
		t.Errorf("b1 from the state file: %v %q %v", ip, canon, ok)
	}
	again.Close()
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	undone, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if d := before.Diff(undone); len(d) != 0 {
		t.Errorf("undo left %v", d)
	}
	if got := s.State().Names["host"]; len(got) != 1 || got[0].String() != "192.0.2.2\tweb" {
		t.Errorf("table after undo: %v", got)
	}
	// the check fails when the line is gone
	x, err := s.ctx("host")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Commands[0].Actions[0].check(x); err == nil || !strings.Contains(err.Error(), "no line 192.0.2.2 bbox1 b1") {
		t.Errorf("check after undo: %v", err)
	}
}

// A step whose later command fails rolls the names back with the rest.
func TestNamesRollBack(t *testing.T) {
	s := namesLab(t)
	before, _ := s.Snapshot()
	_, err := applyNext(s, step(t, "bad", `echo "192.0.2.9 db" >> /etc/hosts`, "ip link set nosuch up"))
	if err == nil {
		t.Fatal("step did not fail")
	}
	now, _ := s.Snapshot()
	if d := before.Diff(now); len(d) != 0 {
		t.Errorf("rollback left %v", d)
	}
	if _, _, ok := s.lookupName("host", "db"); ok {
		t.Error("db still resolves")
	}
}

// The table is dropped with its namespace: one made again starts bare.
func TestNamesGoWithNamespace(t *testing.T) {
	s := namesLab(t)
	if _, err := applyNext(s, step(t, "ns", "ip netns add ns01", `ip netns exec ns01 ip link set lo up`)); err != nil {
		t.Fatal(err)
	}
	st := Transaction{Title: "name", Node: "ns01", Commands: []*Command{mustParse(t, `echo "10.0.0.1 gw" >> /etc/hosts`)}}
	if _, err := applyNext(s, st); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.lookupName("ns01", "gw"); !ok {
		t.Fatal("gw not on ns01")
	}
	if _, _, ok := s.lookupName("host", "gw"); ok {
		t.Fatal("gw leaked to host")
	}
	if _, err := applyNext(s, step(t, "del", "ip netns del ns01", "ip netns add ns01")); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.lookupName("ns01", "gw"); ok {
		t.Error("a new ns01 inherited gw")
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.lookupName("ns01", "gw"); !ok {
		t.Error("undo did not give ns01 its name back")
	}
}

// ping, curl and nc reach the peer by name; an unknown name fails in
// each tool's words with its exit status.
func TestClientsByName(t *testing.T) {
	s := clientLab(t)
	if _, err := applyNext(s, step(t, "names", `echo "192.0.2.2 web" >> /etc/hosts`, `echo "192.0.2.2 peer p2" >> /etc/hosts`)); err != nil {
		t.Fatal(err)
	}
	rtt := regexp.MustCompile(`time=[0-9.]+ ms|time [0-9]+ms|= [0-9./]+ ms`)
	for _, tt := range []struct {
		line, out string
		code      int
	}{
		{"ping -c 1 web", "PING web (192.0.2.2) 56(84) bytes of data.\n64 bytes from web (192.0.2.2): icmp_seq=1 ttl=64 time=X\n\n--- web ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time X\nrtt min/avg/max/mdev X\n", 0},
		{"ping -n -c 1 web", "PING web (192.0.2.2) 56(84) bytes of data.\n64 bytes from 192.0.2.2: icmp_seq=1 ttl=64 time=X\n\n--- web ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time X\nrtt min/avg/max/mdev X\n", 0},
		// an alias: the header names the line's first name, the reply
		// the first line holding the address
		{"ping -c 1 -q p2", "PING peer (192.0.2.2) 56(84) bytes of data.\n\n--- peer ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time X\nrtt min/avg/max/mdev X\n", 0},
		{"ping -c 1 192.0.2.2", "PING 192.0.2.2 (192.0.2.2) 56(84) bytes of data.\n64 bytes from 192.0.2.2: icmp_seq=1 ttl=64 time=X\n\n--- 192.0.2.2 ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time X\nrtt min/avg/max/mdev X\n", 0},
		{"ping -c 1 bbox1", "ping: bbox1: Name or service not known\n", 2},
		{"curl -s http://web/x", "hello from peer: GET /x\n", 0},
		{"curl -s http://WEB:80/", "hello from peer: GET /\n", 0},
		{"wget -qO- http://p2/", "hello from peer: GET /\n", 0},
		{"nc -zv web 80", "Connection to web (192.0.2.2) 80 port [tcp/http] succeeded!\n", 0},
		{"nc -zv 192.0.2.2 80", "Connection to 192.0.2.2 80 port [tcp/http] succeeded!\n", 0},
		{"nc web 7", "greetings\n", 0},
		{"nc -n web 7", "nc: getaddrinfo for host \"web\" port 7: Name or service not known\n", 1},
		{"nc bbox1 7", "nc: getaddrinfo for host \"bbox1\" port 7: Name or service not known\n", 1},
		{"curl http://bbox1/", "curl: (6) Could not resolve host: bbox1\n", 6},
	} {
		res := s.Run("host", mustParse(t, tt.line))
		got := rtt.ReplaceAllStringFunc(res.Output, func(m string) string {
			switch {
			case strings.HasPrefix(m, "time="):
				return "time=X"
			case strings.HasPrefix(m, "time "):
				return "time X"
			}
			return "X"
		})
		if got != tt.out || res.ExitCode != tt.code {
			t.Errorf("%s: exit %d (err %v):\n%s\nwant exit %d:\n%s", tt.line, res.ExitCode, res.Err, got, tt.code, tt.out)
		}
	}
	// the peer has no names: the table is the node's own
	res := s.Run("peer", mustParse(t, "ping -c 1 web"))
	if res.ExitCode != 2 {
		t.Errorf("peer pinged web: %s", res.Output)
	}
}

// netlab's "ping -c 1 NAME" prints what the real iputils ping prints when
// /etc/hosts holds the same table: the real ping runs in the lab node, in
// a private mount namespace (unshare -m) whose /etc/hosts is a bind mount
// of the table written to a temporary file; the machine's /etc/hosts is
// never touched. Only names the file holds are pinged, so the real ping
// never asks a DNS server (nor does its reverse lookup of the reply).
func TestPingByNameLikeIputils(t *testing.T) {
	s := pairLab(t)
	if _, err := exec.LookPath("ping"); err != nil {
		t.Skip("no ping")
	}
	if fi, err := os.Stat("/etc/hosts"); err != nil || !fi.Mode().IsRegular() {
		t.Skip("the machine has no /etc/hosts file to cover")
	}
	machineHosts, _ := os.ReadFile("/etc/hosts")
	if _, err := applyNext(s, step(t, "names", `echo "192.0.2.2 web" >> /etc/hosts`, `echo "192.0.2.2 peer p2" >> /etc/hosts`, `echo "192.0.2.1 me" >> /etc/hosts`)); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "hosts")
	if err := os.WriteFile(file, []byte(s.hostsFile("host")), 0o644); err != nil {
		t.Fatal(err)
	}
	path, _ := s.NodePath("host")
	shape := regexp.MustCompile(`time=[0-9.]+ ms|time [0-9]+ms|= [0-9./]+ ms`)
	for _, args := range [][]string{{"-c", "1", "web"}, {"-c", "1", "p2"}, {"-n", "-c", "1", "web"}, {"-c", "1", "-q", "peer"}} {
		// unshare -m gives sh its own mount namespace (private
		// propagation): the bind mount exists only there.
		script := `mount --bind "$1" /etc/hosts && shift && exec nsenter --net="$0" ping "$@"`
		cmd := exec.Command("unshare", append([]string{"-m", "--propagation", "private", "sh", "-c", script, path, file}, args...)...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("real ping %v: %v\n%s", args, err, out.String())
		}
		res := s.Run("host", mustParse(t, "ping "+strings.Join(args, " ")))
		real, ours := shape.ReplaceAllString(out.String(), "T"), shape.ReplaceAllString(res.Output, "T")
		if real != ours {
			t.Errorf("ping %v:\nreal:\n%s\nnetlab:\n%s", args, real, ours)
		}
	}
	if after, _ := os.ReadFile("/etc/hosts"); !bytes.Equal(after, machineHosts) {
		t.Fatal("the machine's /etc/hosts changed")
	}
}
