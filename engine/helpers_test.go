package engine

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netlab/netlab/engine/ns"
	"github.com/netlab/netlab/engine/privtest"
)

// killHelperWhen runs this test binary as another netlab process, one of
// the crash helpers main_test.go starts when env names the lab's run
// directory, and kills it with SIGKILL once the state it saves satisfies
// ready. The test fails if that has not happened within 10 s ("the helper
// never " + what).
func killHelperWhen(t *testing.T, s *Session, env, what string, ready func(*State) bool) {
	t.Helper()
	c := exec.Command(os.Args[0], "-test.run", "^$")
	c.Env = append(os.Environ(), env+"="+s.Dir())
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Wait()
	defer c.Process.Kill()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := readState(s.Dir())
		if err == nil && ready(st) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the helper never " + what)
		}
		time.Sleep(time.Millisecond)
	}
}

// applyInHelper is the body of a crash helper process (see
// killHelperWhen): it opens the lab in dir and applies one step of lines,
// to be killed somewhere along it. It exits 3 when the lab does not open
// and 4 when a line does not parse.
func applyInHelper(dir, title string, lines ...string) {
	s, err := Open(dir)
	if err != nil {
		os.Exit(3)
	}
	var cmds []*Command
	for _, l := range lines {
		c, err := Parse(l)
		if err != nil {
			os.Exit(4)
		}
		cmds = append(cmds, c)
	}
	applyNext(s, Transaction{Index: len(s.State().Applied), Title: title, Commands: cmds})
}

// needRoot applies the privileged-test rule (skip, or fail in CI).
func needRoot(t testing.TB) { t.Helper(); privtest.Need(t) }

// mustParse parses a command or fails the test.
func mustParse(t testing.TB, line string) *Command {
	t.Helper()
	c, err := Parse(line)
	if err != nil {
		t.Fatalf("parse %q: %v", line, err)
	}
	return c
}

// newLab creates a throwaway session in its own run directory and removes
// it when the test ends.
func newLab(t testing.TB, spec Spec) *Session {
	t.Helper()
	needRoot(t)
	dir := t.TempDir()
	s, err := Create(dir, spec)
	if err != nil {
		t.Fatalf("create lab: %v", err)
	}
	t.Cleanup(func() {
		s.Close()
		if err := Reset(dir); err != nil {
			t.Errorf("reset: %v", err)
		}
	})
	return s
}

// step builds a Step from command lines.
func step(t testing.TB, title string, lines ...string) Transaction {
	t.Helper()
	st := Transaction{Title: title}
	for _, l := range lines {
		st.Commands = append(st.Commands, mustParse(t, l))
	}
	return st
}

// applyNext applies st as the session's next step.
func applyNext(s *Session, st Transaction) ([]Result, error) {
	if err := s.Refresh(); err != nil {
		return nil, err
	}
	st.Index = len(s.State().Applied)
	return s.ApplyStep(st)
}

// realTool runs a real program (ip, iptables-save, sysctl) inside a lab
// node, so tests judge the engine by what the real tools see.
func realTool(t testing.TB, s *Session, node string, prog string, args ...string) string {
	t.Helper()
	path, err := s.NodePath(node)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	err = ns.WithNetNSPath(path, func(ns.NetNS) error {
		c := exec.Command(prog, args...)
		c.Stdout, c.Stderr = &out, &errb
		return c.Run()
	})
	if err != nil {
		t.Fatalf("%s %s on %s: %v: %s", prog, strings.Join(args, " "), node, err, errb.String())
	}
	return out.String()
}

// ipLink is the part of "ip -j -d link" the tests look at.
type ipLink struct {
	Ifname      string   `json:"ifname"`
	Flags       []string `json:"flags"`
	Mtu         int      `json:"mtu"`
	Master      string   `json:"master"`
	Address     string   `json:"address"`
	Promiscuity int      `json:"promiscuity"`
	LinkInfo    struct {
		InfoKind string         `json:"info_kind"`
		InfoData map[string]any `json:"info_data"`
	} `json:"linkinfo"`
	AddrInfo []struct {
		Family    string `json:"family"`
		Local     string `json:"local"`
		Prefixlen int    `json:"prefixlen"`
	} `json:"addr_info"`
}

func (l ipLink) up() bool {
	for _, f := range l.Flags {
		if f == "UP" {
			return true
		}
	}
	return false
}

func (l ipLink) has(cidr string) bool {
	for _, a := range l.AddrInfo {
		if a.Family == "inet" && a.Local+"/"+strconv.Itoa(a.Prefixlen) == cidr {
			return true
		}
	}
	return false
}

// ipLinks returns "ip -j -d addr" of a node by interface name.
func ipLinks(t testing.TB, s *Session, node string) map[string]ipLink {
	t.Helper()
	var links []ipLink
	if err := json.Unmarshal([]byte(realTool(t, s, node, "ip", "-j", "-d", "addr")), &links); err != nil {
		t.Fatal(err)
	}
	m := map[string]ipLink{}
	for _, l := range links {
		m[l.Ifname] = l
	}
	return m
}

// ipRoutes returns "ip -j route" of a node as "dst via gw dev d" strings.
func ipRoutes(t testing.TB, s *Session, node string) []string {
	t.Helper()
	var routes []struct {
		Dst     string `json:"dst"`
		Gateway string `json:"gateway"`
		Dev     string `json:"dev"`
	}
	if err := json.Unmarshal([]byte(realTool(t, s, node, "ip", "-j", "route")), &routes); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range routes {
		line := r.Dst
		if r.Gateway != "" {
			line += " via " + r.Gateway
		}
		out = append(out, line+" dev "+r.Dev)
	}
	return out
}

func linkOf(t *testing.T, s *Session, node, name string) (ipLink, bool) {
	l, ok := ipLinks(t, s, node)[name]
	return l, ok
}

// pairLab is two lab hosts joined by a veth pair, both ends up.
func pairLab(t testing.TB) *Session {
	t.Helper()
	return pairLabSpec(t, Spec{})
}

// pairLabSpec is pairLab with more of the session's spec (names, say).
func pairLabSpec(t testing.TB, spec Spec) *Session {
	t.Helper()
	spec.Hosts = []string{"host", "peer"}
	for _, nc := range [][2]string{
		{"host", "ip link add eth0 type veth peer name eth0 netns peer"},
		{"host", "ip addr add 192.0.2.1/24 dev eth0"},
		{"host", "ip link set eth0 up"},
		{"peer", "ip addr add 192.0.2.2/24 dev eth0"},
		{"peer", "ip link set eth0 up"},
	} {
		spec.Setup = append(spec.Setup, NodeCommand{Node: nc[0], Command: mustParse(t, nc[1])})
	}
	return newLab(t, spec)
}

// nsTool runs a real tool inside a node's namespace and returns its output.
func nsTool(t testing.TB, s *Session, node string, args ...string) string {
	t.Helper()
	path, err := s.NodePath(node)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("nsenter", append([]string{"--net=" + path}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v on %s: %v\n%s", args, node, err, out)
	}
	return string(out)
}
