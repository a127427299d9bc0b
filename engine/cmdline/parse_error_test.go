package cmdline

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestParseErrorQuotesHugeWord: a 10 MB word is quoted by its first 40
// characters, in the word and in the message, wherever the parser
// reports it (issue 14 item 11).
func TestParseErrorQuotesHugeWord(t *testing.T) {
	huge := strings.Repeat("ab", 5<<20) // 10 MB
	tests := []struct {
		name, line string
		col        int
	}{
		{"iptables chain", "iptables -A " + huge + " -j DROP", 13},
		{"iptables attached chain", "iptables -A" + huge + " -j DROP", 12},
		{"iptables target", "iptables -A INPUT -j " + huge, 22},
		{"iptables option", "iptables -A INPUT --" + huge, 19},
		{"iptables comment", "iptables -A INPUT -m comment --comment " + huge, 40},
		{"iptables address", "iptables -A INPUT -s 1.2.3.4/" + huge, 22},
		{"ip link name", "ip link add " + huge + " type bridge", 13},
		{"unsupported program", huge, 1},
		{"unterminated quote", "iptables -A INPUT -m comment --comment '" + huge, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse(tt.line)
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("parse took %v", d)
			}
			pe, ok := err.(*ParseError)
			if !ok {
				t.Fatalf("error = %v (%T), want *ParseError", err, err)
			}
			if pe.Col != tt.col {
				t.Errorf("col = %d, want %d", pe.Col, tt.col)
			}
			if utf8.RuneCountInString(pe.Word) > 41 || !strings.HasSuffix(pe.Word, "…") {
				t.Errorf("word = %.60q (%d bytes), want at most 40 characters and …", pe.Word, len(pe.Word))
			}
			// The message may quote the word (or a part of it), but never
			// more than 40 of its characters.
			if len(pe.Msg) > 1000 || strings.Contains(pe.Msg, strings.Repeat("ab", 21)) {
				t.Errorf("message = %.300q (%d bytes), want at most 40 characters of the word", pe.Msg, len(pe.Msg))
			}
		})
	}
}

// TestClip: short words are left alone, long ones cut at 40 characters
// (not bytes: a multi-byte character is never split).
func TestClip(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"short", "eth0", "eth0"},
		{"exactly 40", strings.Repeat("x", 40), strings.Repeat("x", 40)},
		{"41", strings.Repeat("x", 41), strings.Repeat("x", 40) + "…"},
		{"multibyte", strings.Repeat("é", 50), strings.Repeat("é", 40) + "…"},
		{"multibyte 40", strings.Repeat("é", 40), strings.Repeat("é", 40)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clip(tt.in); got != tt.want {
				t.Errorf("clip(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestInterfaceNames: every place that reads an interface name refuses
// what the kernel refuses and, beyond it, control and non-ASCII characters
// (issue 14 item 4: a BEL was accepted).
func TestInterfaceNames(t *testing.T) {
	bad := []struct{ name, ifname string }{
		{"bell", "eth\a0"},
		{"escape", "e\x1b[2J"},
		{"delete char", "eth\x7f"},
		{"newline", "eth\n0"},
		{"C1 control", "eth\u009b0"},
		{"non-ASCII", "éth0"},
		{"slash", "eth/0"},
		{"colon", "eth0:1"},
		{"dot", "."},
		{"dotdot", ".."},
		{"16 bytes", "abcdefghijklmnop"},
	}
	forms := []struct {
		name, line string
		col        int
	}{
		{"ip link add", "ip link add IF type bridge", 13},
		{"ip link add peer", "ip link add v0 type veth peer name IF", 36},
		{"ip link set", "ip link set IF up", 13},
		{"ip link set dev", "ip link set dev IF up", 17},
		{"ip link set name", "ip link set v0 name IF", 21},
		{"ip link set master", "ip link set v0 master IF", 23},
		{"ip link del", "ip link del IF", 13},
		{"ip addr add", "ip addr add 10.0.0.1/24 dev IF", 29},
		{"ip route add", "ip route add 10.1.0.0/16 dev IF", 30},
		{"ip link show", "ip link show dev IF", 18},
		{"brctl addbr", "brctl addbr IF", 13},
		{"brctl addif", "brctl addif br0 IF", 17},
		{"ifconfig", "ifconfig IF up", 10},
		{"tcpdump", "tcpdump -i IF", 12},
		{"iptables -i", "iptables -A INPUT -i IF -j DROP", 22},
		{"iptables -o", "iptables -A INPUT -o IF -j DROP", 22},
	}
	for _, f := range forms {
		for _, b := range bad {
			t.Run(f.name+"/"+b.name, func(t *testing.T) {
				// Quote the name so that tokenize keeps spaces and the like in one word.
				line := strings.Replace(f.line, "IF", "'"+b.ifname+"'", 1)
				_, err := Parse(line)
				pe, ok := err.(*ParseError)
				if !ok {
					t.Fatalf("Parse(%q) = %v, want a *ParseError", line, err)
				}
				if pe.Col != f.col || !strings.Contains(pe.Msg, "not a valid interface name") {
					t.Errorf("Parse(%q) = col %d %q, want col %d: not a valid interface name", line, pe.Col, pe.Msg, f.col)
				}
			})
		}
		t.Run(f.name+"/valid", func(t *testing.T) {
			line := strings.Replace(f.line, "IF", "br-veth.01_a", 1)
			if _, err := Parse(line); err != nil {
				t.Errorf("Parse(%q): %v", line, err)
			}
		})
	}
}

// TestParseErrorNeverQuotesMoreThan40: every word of every accepted line
// in turn is replaced by a long one; whatever error follows quotes at most
// 40 characters of it, whichever parser reports it.
func TestParseErrorNeverQuotesMoreThan40(t *testing.T) {
	var lines []string
	for _, tt := range iptablesAccepted {
		lines = append(lines, tt.line)
	}
	lines = append(lines, "ip link add veth01 type veth peer name br-veth01", "ip addr add 192.168.88.1/24 dev br01",
		"ip route add 10.1.0.0/16 via 192.168.88.1", "ip link set dev veth01 mtu 1400 master br01 up",
		"ip netns exec ns01 ip -br addr show dev veth01", "brctl addif br01 br-veth01", "ifconfig br01 192.168.88.1 netmask 255.255.255.0 up",
		"sysctl -w net.ipv4.ip_forward=1", "echo 1 > /proc/sys/net/ipv4/ip_forward", "ping -c 1 -W 2 192.168.88.12",
		"arp -n", "tcpdump -i br01 -nn icmp", "ip link add vxlan0 type vxlan id 42 dstport 4789 remote 198.51.100.2 dev eth0")
	long := strings.Repeat("Zq", 500)
	for _, line := range lines {
		words := strings.Fields(line)
		for i := range words {
			w := append([]string(nil), words...)
			w[i] = long
			bad := strings.Join(w, " ")
			_, err := Parse(bad)
			if err == nil {
				continue
			}
			pe, ok := err.(*ParseError)
			if !ok {
				t.Errorf("Parse(%.80q): %T %v", bad, err, err)
				continue
			}
			if strings.Contains(pe.Msg, strings.Repeat("Zq", 21)) || utf8.RuneCountInString(pe.Word) > 41 {
				t.Errorf("Parse(%q with word %d long): word %.60q, message quotes more than 40 characters: %.200q", line, i+1, pe.Word, pe.Msg)
			}
		}
	}
}
