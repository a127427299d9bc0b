package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestIptablesRenderedForms applies rules written with abbreviations,
// attached values, "=" forms and combined flags in a real namespace, and
// reads them back with the real iptables-save; then lists with counters
// (-v -n -L CHAIN --line-numbers -x) and zeroes them (-Z) as iptables does.
func TestIptablesRenderedForms(t *testing.T) {
	s := newLab(t, Spec{})
	st := step(t, "docker chains",
		"iptables -t nat -N DOCKER",
		"iptables --tab=nat --app PREROUTING -maddrtype --dst-t LOCAL -j DOCKER",
		"iptables -tnat -APOSTROUTING -s172.17.0.0/16 ! -o docker0 -jMASQUERADE",
		"iptables -t nat -A DOCKER ! -i docker0 -p tcp --destination-port 8080 -j DNAT --to-dest 172.17.0.2:80",
		"iptables -N DOCKER",
		"iptables -A OUTPUT -j DOCKER",
		"iptables -A DOCKER -p icmp --icmp-type echo-request -j RETURN",
		"iptables -A FORWARD -o docker0 --match=conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
	if _, err := applyNext(s, st); err != nil {
		t.Fatalf("apply: %v", err)
	}
	for _, c := range s.Check(st) {
		if c.Err != nil {
			t.Errorf("check %q: %v", c.Command.Text, c.Err)
		}
	}
	save := realTool(t, s, "host", "iptables-save")
	for _, want := range []string{
		"-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
		"-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE",
		"-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
		"-A OUTPUT -j DOCKER",
		"-A DOCKER -p icmp -m icmp --icmp-type 8 -j RETURN",
		"-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
	} {
		if !strings.Contains(save, want+"\n") {
			t.Errorf("iptables-save lacks %q:\n%s", want, save)
		}
	}

	for _, args := range [][]string{{"-S"}, {"-t", "nat", "-S"}, {"-t", "nat", "-S", "DOCKER"}, {"-v", "-S", "DOCKER"}} {
		r := s.Run("host", mustParse(t, "iptables "+strings.Join(args, " ")))
		if want := realTool(t, s, "host", "iptables", args...); r.Err != nil || r.Output != want {
			t.Errorf("iptables %v: netlab printed %q (%v), iptables %q", args, r.Output, r.Err, want)
		}
	}

	// Traffic inside the lab's own namespace makes the counters move.
	if r := s.Run("host", mustParse(t, "ping -c 2 -W 1 127.0.0.1")); r.Err != nil {
		t.Fatalf("ping: %v", r.Err)
	}
	list := func() string {
		t.Helper()
		r := s.Run("host", mustParse(t, "iptables -v -n -L DOCKER --line-numbers -x"))
		if r.Err != nil {
			t.Fatalf("list: %v", r.Err)
		}
		return r.Output
	}
	got := list()
	if want := realTool(t, s, "host", "iptables", "-v", "-n", "-L", "DOCKER", "--line-numbers", "-x"); got != want {
		t.Errorf("netlab's listing differs from iptables':\n%s\nwant:\n%s", got, want)
	}
	rule := regexp.MustCompile(`(?m)^1\s+(\d+)\s+(\d+)\s+RETURN`)
	m := rule.FindStringSubmatch(got)
	if m == nil || m[1] != "2" || m[2] != "168" {
		t.Fatalf("after two pings the RETURN rule counts %v, want 2 packets and 168 bytes:\n%s", m, got)
	}
	if r := s.Run("host", mustParse(t, "iptables -Z DOCKER")); r.Err != nil {
		t.Fatalf("-Z: %v", r.Err)
	}
	if m := rule.FindStringSubmatch(list()); m == nil || m[1] != "0" || m[2] != "0" {
		t.Errorf("after -Z DOCKER the RETURN rule counts %v, want 0 0", m)
	}
	if r := s.Run("host", mustParse(t, "iptables -t nat -Z DOCKER")); r.Err != nil {
		t.Errorf("-t nat -Z DOCKER: %v", r.Err)
	}
	if r := s.Run("host", mustParse(t, "iptables -Z NOSUCH")); r.Err == nil {
		t.Error("-Z of a missing chain succeeded")
	}

	before := realTool(t, s, "host", "iptables-save")
	if _, err := s.Undo(); err != nil {
		t.Fatalf("undo: %v", err)
	}
	after := realTool(t, s, "host", "iptables-save")
	if strings.Contains(after, "DOCKER") || after == before {
		t.Errorf("undo left:\n%s", after)
	}
}

// TestIptablesGetsRenderedArgv runs netlab with a wrapper in place of the
// iptables program that records every argument list it receives: the
// lab's own spellings (abbreviations, attached values, "=" forms) never
// reach it, only netlab's re-rendered words (go-iptables adds --wait).
func TestIptablesGetsRenderedArgv(t *testing.T) {
	real, err := exec.LookPath("iptables")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	logPath := filepath.Join(dir, "argv.log")
	wrapper := filepath.Join(dir, "iptables")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s|' \"$a\" >> " + logPath + "; done\necho >> " + logPath + "\nexec " + real + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	// Swap the shared handle for one on the wrapper, and back at the end.
	// Later users of the handle build a fresh one on the real program.
	savedProg := iptablesProgram
	iptablesProgram, iptOnce = wrapper, sync.Once{}
	t.Cleanup(func() { iptablesProgram, iptOnce, ipt, iptErr = savedProg, sync.Once{}, nil, nil })

	s := newLab(t, Spec{})
	lines := []string{
		"iptables --app FORWARD --src=192.168.88.0/24 -jACCEPT -mcomment --comm 'x  y'",
		"iptables -tnat --ins POSTROUTING 1 ! --out docker0 -jMASQUERADE",
	}
	if _, err := applyNext(s, step(t, "rules", lines...)); err != nil {
		t.Fatalf("apply: %v", err)
	}
	if r := s.Run("host", mustParse(t, "iptables -nvxL FORWARD --line-n")); r.Err != nil {
		t.Fatalf("list: %v", r.Err)
	}
	if r := s.Run("host", mustParse(t, "iptables --zero FORWARD")); r.Err != nil {
		t.Fatalf("zero: %v", r.Err)
	}
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	for _, want := range []string{
		"-t|filter|-A|FORWARD|-s|192.168.88.0/24|-j|ACCEPT|-m|comment|--comment|x  y|--wait|\n",
		"-t|nat|-I|POSTROUTING|1|!|-o|docker0|-j|MASQUERADE|--wait|\n",
		"-t|filter|-L|FORWARD|-n|-v|-x|--line-numbers|\n",
		"-t|filter|-Z|FORWARD|\n",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("iptables never received %q; it received:\n%s", want, log)
		}
	}
	for _, lab := range []string{"--app", "--src", "-jACCEPT", "-mcomment", "--comm|", "-tnat", "--ins", "--out", "-nvxL", "--line-n|", "--zero"} {
		if strings.Contains(log, lab) {
			t.Errorf("the lab's word %q reached iptables:\n%s", lab, log)
		}
	}
}

// TestIptablesAcceptedFormsApply applies every accepted rule form of the
// golden table (-A, -I, -C) in a real namespace: the kernel and the real
// iptables accept netlab's rendering of each, and each rule is there after.
func TestIptablesAcceptedFormsApply(t *testing.T) {
	s := newLab(t, Spec{})
	lines := []string{"iptables -N DOCKER", "iptables -N DOCKER-USER", "iptables -t nat -N DOCKER"}
	var rules []string
	for _, line := range iptablesAccepted(t) {
		c := mustParse(t, line)
		a := c.Actions[0].(*iptablesAction)
		if a.Verb == "-A" || a.Verb == "-I" {
			lines = append(lines, line)
			rules = append(rules, strings.Join(a.Argv(), " "))
		}
	}
	lines = append(lines, "iptables -C FORWARD -s 192.168.88.11 -j ACCEPT")
	lines = append([]string{"iptables -A FORWARD -s 192.168.88.11 -j ACCEPT"}, lines...)
	st := step(t, "every form", lines...)
	res, err := applyNext(s, st)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Errorf("%q: %v", r.Command.Text, r.Err)
		}
	}
	for _, c := range s.Check(st) {
		if c.Err != nil {
			t.Errorf("check %q: %v", c.Command.Text, c.Err)
		}
	}
	if len(rules) < 40 {
		t.Errorf("only %d rule forms applied", len(rules))
	}
}

// iptablesAccepted reads the lines of cmdline's iptables golden table
// (each accepted line is followed by its rendering, indented).
func iptablesAccepted(t *testing.T) []string {
	b, err := os.ReadFile(filepath.Join("cmdline", "testdata", "iptables_argv.golden"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" && !strings.HasPrefix(l, "\t") {
			lines = append(lines, l)
		}
	}
	return lines
}
