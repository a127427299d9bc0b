package labs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoodLabs loads every built-in lab and the plain-script version of
// the tutorial, which must load without a single error.
func TestGoodLabs(t *testing.T) {
	builtIns, err := BuiltIn()
	if err != nil {
		t.Fatalf("BuiltIn: %v", err)
	}
	if len(builtIns) == 0 {
		t.Fatal("no built-in labs")
	}
	tests := []struct {
		name string
		path string
	}{
		{name: "seed001 script", path: "testdata/seed001.sh"},
	}
	for _, l := range builtIns {
		tests = append(tests, struct {
			name string
			path string
		}{name: "built-in " + l.ID, path: filepath.Join("..", l.File)})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lab, err := LoadFile(tt.path)
			if err != nil {
				t.Fatalf("LoadFile(%s):\n%v", tt.path, err)
			}
			if lab.ID == "" || lab.Title == "" || len(lab.Steps) == 0 {
				t.Errorf("lab %s is missing id, title or steps: %+v", tt.path, lab)
			}
			for i, s := range lab.Steps {
				if s.Node == "" {
					t.Errorf("step %d has no node filled in", i+1)
				}
				for _, c := range s.Commands {
					if c.Parsed == nil || c.Text == "" || c.Line == 0 || c.Col == 0 {
						t.Errorf("step %d command %+v is incomplete", i+1, c)
					}
				}
			}
		})
	}
}

// TestBridgeLab checks the facts the bridge lab's steps rely on.
func TestBridgeLab(t *testing.T) {
	lab, err := Find("bridge", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(lab.Nodes, ","); got != "host,internet" {
		t.Errorf("nodes = %s, want host,internet", got)
	}
	data, err := os.ReadFile(filepath.Join("..", lab.File))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "114.114") {
		t.Error("the bridge lab uses a public address; use RFC 5737 addresses outside")
	}
	stepWith := func(cmd string) *Step {
		for i := range lab.Steps {
			for _, c := range lab.Steps[i].Commands {
				if c.Text == cmd {
					return &lab.Steps[i]
				}
			}
		}
		t.Fatalf("no step runs %q", cmd)
		return nil
	}
	tests := []struct {
		name     string
		command  string
		captures string
		question bool
		pingOK   bool
		verbose  int // the -v count of every capture of the step
		seen     []string
	}{
		{name: "first ping", command: "ip netns exec ns01 ping 192.168.88.12 -c 1", captures: "host:br01", question: true, pingOK: true,
			seen: []string{"ARP, Request who-has 192.168.88.12 tell 192.168.88.11", "ICMP echo request", "ICMP echo reply"}},
		{name: "reverse ping", command: "ip netns exec ns02 ping 192.168.88.11 -c 1", captures: "host:br01", pingOK: true,
			seen: []string{"IP 192.168.88.12 > 192.168.88.11: ICMP echo request", "IP 192.168.88.11 > 192.168.88.12: ICMP echo reply"}},
		{name: "outside", command: "ip netns exec ns02 ping 203.0.113.10 -c 1", captures: "host:br01,host:eth0", question: true, verbose: 2,
			seen: []string{"ttl 64", "192.168.88.12 > 203.0.113.10: ICMP echo request"}},
		{name: "forwarding", command: "sysctl -w net.ipv4.conf.all.forwarding=1", captures: "host:br01,host:eth0", question: true, verbose: 2,
			seen: []string{"ttl 64", "ttl 63", "192.168.88.12 > 203.0.113.10: ICMP echo request"}},
		{name: "masquerade", command: "iptables -t nat -A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE", captures: "host:br01,host:eth0", question: true, pingOK: true, verbose: 2,
			seen: []string{"198.51.100.2 > 203.0.113.10: ICMP echo request", "203.0.113.10 > 198.51.100.2: ICMP echo reply", "203.0.113.10 > 192.168.88.12: ICMP echo reply", "ttl 63"}},
		{name: "snat", command: "iptables -t nat -A POSTROUTING -s 192.168.88.0/24 -j SNAT --to-source 198.51.100.2", captures: "host:eth0", pingOK: true, verbose: 2,
			seen: []string{"198.51.100.2 > 203.0.113.10: ICMP echo request", "203.0.113.10 > 198.51.100.2: ICMP echo reply"}},
		{name: "docker rule", command: "iptables -t nat -A POSTROUTING -s 192.168.88.0/24 ! -o br01 -j MASQUERADE", captures: "host:eth0", pingOK: true,
			seen: []string{"IP 198.51.100.2 > 203.0.113.10: ICMP echo request"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := stepWith(tt.command)
			if got := captureList(s.Capture); got != strings.ReplaceAll(tt.captures, ",", ", ") {
				t.Errorf("captures = %s, want %s", got, tt.captures)
			}
			for _, c := range s.Capture {
				if c.Verbose != tt.verbose {
					t.Errorf("capture %s verbose = %d, want %d", c, c.Verbose, tt.verbose)
				}
			}
			if (s.Question != nil) != tt.question {
				t.Errorf("question = %v, want %v", s.Question != nil, tt.question)
			}
			var seen []string
			for _, e := range s.Expect {
				switch e.Kind {
				case ExpectPing:
					if e.PingOK != tt.pingOK {
						t.Errorf("ping ok = %v, want %v", e.PingOK, tt.pingOK)
					}
				case ExpectSeen:
					seen = append(seen, e.Text)
				}
			}
			if strings.Join(seen, "|") != strings.Join(tt.seen, "|") {
				t.Errorf("seen = %q, want %q", seen, tt.seen)
			}
		})
	}
}

// TestLoad checks what the loaders make of small labs.
func TestLoad(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		src   string
		check func(t *testing.T, l *Lab)
	}{
		{
			name: "script tcpdump becomes a capture on the command's node",
			file: "cap.sh",
			src:  "# Title\n# Summary here.\n\n# Make it\nip netns add ns01\nip netns exec ns01 tcpdump -i lo -nn icmp\nip netns exec ns01 ping 127.0.0.1 -c 1\n",
			check: func(t *testing.T, l *Lab) {
				if l.ID != "cap" || l.Title != "Title" || l.Summary != "Summary here." {
					t.Errorf("header = %q %q %q", l.ID, l.Title, l.Summary)
				}
				s := l.Steps[0]
				if s.Title != "Make it" || len(s.Commands) != 3 {
					t.Fatalf("step = %+v", s)
				}
				want := CaptureTarget{Node: "ns01", Iface: "lo", Filter: "icmp", Line: 6, Col: 31}
				if len(s.Capture) != 1 || s.Capture[0] != want {
					t.Errorf("capture = %+v, want %+v", s.Capture, want)
				}
			},
		},
		{
			name: "script comments split steps; untitled steps are numbered",
			file: "steps.txt",
			src:  "brctl addbr br01\n# Second\n# Why it matters.\nip link set br01 up\n\n  ip link show br01\n",
			check: func(t *testing.T, l *Lab) {
				if l.Title != "steps" {
					t.Errorf("title = %q, want the id", l.Title)
				}
				var got []string
				for _, s := range l.Steps {
					got = append(got, s.Title+"/"+s.Text)
				}
				if strings.Join(got, "|") != "Step 1/|Second/Why it matters.|Step 3/" {
					t.Errorf("steps = %q", got)
				}
				if c := l.Steps[2].Commands[0]; c.Line != 6 || c.Col != 3 {
					t.Errorf("indented command at %d:%d, want 6:3", c.Line, c.Col)
				}
			},
		},
		{
			name: "yaml defaults: host node, answer by text, seen on the only capture",
			file: "d.yaml",
			src: `id: d
title: T
summary: S
steps:
  - title: a
    text: b
    commands: [brctl addbr br01, ping 192.168.88.1 -c 1]
    capture: [br01]
    question: {ask: q, choices: [x, "y"], answer: "y"}
    expect:
      - seen: ARP
      - ping: fail
        command: 2
`,
			check: func(t *testing.T, l *Lab) {
				s := l.Steps[0]
				if l.DefaultNode() != "host" || s.Node != "host" {
					t.Errorf("default node = %q, step node = %q", l.DefaultNode(), s.Node)
				}
				if s.Question.Answer != 1 {
					t.Errorf("answer = %d, want 1", s.Question.Answer)
				}
				if on := s.Expect[0].On; on.String() != "host:br01" {
					t.Errorf("seen on %s, want host:br01", on)
				}
				if e := s.Expect[1]; e.PingOK || e.Command != 2 {
					t.Errorf("ping expect = %+v", e)
				}
				if c := s.Commands[1]; c.Line != 7 || c.Col != 34 {
					t.Errorf("flow command at %d:%d, want 7:34", c.Line, c.Col)
				}
			},
		},
		{
			name: "yaml namespaces become nodes and interfaces follow moves",
			file: "n.yml",
			src: `id: n
title: T
summary: S
steps:
  - title: a
    text: b
    commands:
      - ip netns add ns01
      - ip link add veth01 type veth peer name br-veth01
      - ip link set veth01 netns ns01
  - title: c
    text: d
    node: ns01
    commands: [ip link set veth01 up]
    capture: [veth01, "host:br-veth01"]
    expect: [{state: ip link, contains: veth01}]
`,
			check: func(t *testing.T, l *Lab) {
				s := l.Steps[1]
				if got := captureList(s.Capture); got != "ns01:veth01, host:br-veth01" {
					t.Errorf("captures = %s", got)
				}
				if s.Expect[0].Node != "ns01" {
					t.Errorf("state node = %q, want ns01", s.Expect[0].Node)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Load(tt.file, []byte(tt.src))
			if err != nil {
				t.Fatalf("Load:\n%v", err)
			}
			tt.check(t, l)
		})
	}
}

// TestLoadErrors checks single errors where the column mapping matters.
func TestLoadErrors(t *testing.T) {
	const head = "id: x\ntitle: T\nsummary: S\nsteps:\n  - title: a\n    text: b\n    commands:\n"
	tests := []struct {
		name string
		file string
		src  string
		want string
	}{
		{name: "plain scalar", file: "a.yaml", src: head + "      - ip link add veth01 type veth peer nme br-veth01\n",
			want: `a.yaml:8:43: unexpected "nme" (expected "name")`},
		{name: "single quotes with an escaped quote", file: "a.yaml", src: head + "      - 'ip link set x name ''y'' bogus'\n",
			want: `a.yaml:8:35: unknown ip link set option "bogus" (up, down, master, nomaster, netns, promisc, name, mtu, address)`},
		{name: "literal block", file: "a.yaml", src: head + "      - |\n          ip netns add ns01 ; ip link\n",
			want: "a.yaml:9:29: command chaining (;) is shell syntax: netlab runs each command itself, without a shell; write one command per line"},
		{name: "two lines in one command", file: "a.yaml", src: head + "      - |\n          ip link\n          ip addr\n",
			want: "a.yaml:9:11: a command must be a single line; write one command per list item"},
		{name: "script", file: "a.sh", src: "\tip addr add 192.168.88.300/24 dev br01\n",
			want: `a.sh:1:14: "192.168.88.300" is not a valid IP address`},
		{name: "empty script", file: "a.sh", src: "# only a comment\n",
			want: "a.sh:1:1: no commands: a script lab is one command per line, with # comments above each group as the step's text"},
		{name: "empty yaml", file: "a.yaml", src: "",
			want: "a.yaml:1:1: the file is empty: a lab needs at least id, title, summary and steps"},
		{name: "two documents", file: "a.yaml", src: head + "      - ip link\n---\nid: y\n",
			want: "a.yaml:9:1: a lab file holds one YAML document; remove this second one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.file, []byte(tt.src))
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error = %v, want Errors", err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestStepExplain: a step's explain text is loaded (cleaned like every
// text) for the outcome shown once the step has run.
func TestStepExplain(t *testing.T) {
	lab, err := Load("e.yaml", []byte(`
id: e
title: t
summary: s
steps:
  - title: make a bridge
    text: What will ip link show?
    commands: [ip link add br01 type bridge]
    explain: "A bridge appears, \x1b[2Jdown until it is switched on."
`))
	if err == nil {
		t.Fatal("a control character in explain was accepted")
	}
	if !strings.Contains(err.Error(), "e.yaml:9:33:") || !strings.Contains(err.Error(), "control character") {
		t.Errorf("error does not point at the explain text: %v", err)
	}
	lab, err = Load("e.yaml", []byte("id: e\ntitle: t\nsummary: s\nsteps:\n  - title: a\n    text: b\n    commands: [ip link add br01 type bridge]\n    explain: A bridge appears.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := lab.Steps[0].Explain; got != "A bridge appears." {
		t.Errorf("explain = %q", got)
	}
}
