package cmdline

import (
	"net"
	"reflect"
	"testing"
)

// TestParseConntrack reads each accepted form of conntrack -L into the
// filters the engine applies.
func TestParseConntrack(t *testing.T) {
	host := func(s string) *net.IPNet { return &net.IPNet{IP: net.ParseIP(s).To4(), Mask: net.CIDRMask(32, 32)} }
	_, lan, _ := net.ParseCIDR("192.168.88.0/24")
	tests := []struct {
		line string
		want ConntrackList
	}{
		{"conntrack -L", ConntrackList{}},
		{"sudo conntrack -L", ConntrackList{}},
		{"conntrack --dump", ConntrackList{}},
		{"conntrack -L conntrack", ConntrackList{}},
		{"conntrack -L conn", ConntrackList{}},
		{"conntrack -L -p tcp", ConntrackList{Proto: "tcp"}},
		{"conntrack -p TCP -L", ConntrackList{Proto: "tcp"}},
		{"conntrack -L --proto udp", ConntrackList{Proto: "udp"}},
		{"conntrack -L --protonum=icmp", ConntrackList{Proto: "icmp"}},
		{"conntrack -L -p 6", ConntrackList{Proto: "tcp"}},
		{"conntrack -L -s 192.168.88.11", ConntrackList{Src: host("192.168.88.11")}},
		{"conntrack -L --orig-src 192.168.88.0/24", ConntrackList{Src: lan}},
		{"conntrack -L --src=192.168.88.11 --dst 10.0.0.2", ConntrackList{Src: host("192.168.88.11"), Dst: host("10.0.0.2")}},
		{"conntrack -L --orig-dst 10.0.0.2", ConntrackList{Dst: host("10.0.0.2")}},
		{"conntrack -L -r 172.17.0.2 -q 10.0.0.1", ConntrackList{ReplySrc: net.ParseIP("172.17.0.2").To4(), ReplyDst: net.ParseIP("10.0.0.1").To4()}},
		{"conntrack -L --reply-src 172.17.0.2", ConntrackList{ReplySrc: net.ParseIP("172.17.0.2").To4()}},
		{"conntrack -L -p tcp --dport 8080", ConntrackList{Proto: "tcp", Dport: 8080}},
		{"conntrack -L -p tcp --sport 38032 --dport=80", ConntrackList{Proto: "tcp", Sport: 38032, Dport: 80}},
		{"conntrack -L -p udp --orig-port-dst 53 --orig-port-src 5353", ConntrackList{Proto: "udp", Sport: 5353, Dport: 53}},
		{"conntrack -L -p tcp --dp 80", ConntrackList{Proto: "tcp", Dport: 80}},
		{"conntrack -L -n", ConntrackList{SrcNAT: true}},
		{"conntrack -L --dst-nat", ConntrackList{DstNAT: true}},
		{"conntrack -L -g -n", ConntrackList{SrcNAT: true, DstNAT: true}},
		{"conntrack -L -j -p tcp", ConntrackList{Proto: "tcp", AnyNAT: true}},
	}
	for _, tt := range tests {
		c, err := Parse(tt.line)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.line, err)
			continue
		}
		if c.Program != "conntrack" || len(c.Ops) != 1 || !reflect.DeepEqual(c.Ops[0], &tt.want) {
			t.Errorf("Parse(%q) = %s %#v, want %#v", tt.line, c.Program, c.Ops, &tt.want)
		}
		if c.Mutating() {
			t.Errorf("Parse(%q) is mutating; listing the table changes nothing", tt.line)
		}
	}
}

// TestParseConntrackErrors refuses the commands that change or watch the
// table and every misuse of -L, pointing at the word.
func TestParseConntrackErrors(t *testing.T) {
	checkParseErrors(t, []parseErrorCase{
		{"flush", "conntrack -F", 11, "-F", "flushes the table"},
		{"delete", "conntrack -D -p tcp --dport 80", 11, "-D", "deletes flows"},
		{"events", "conntrack -E", 11, "-E", "watches events"},
		{"update", "conntrack -U -m 1", 11, "-U", "updates flows"},
		{"create", "conntrack -I -s 10.0.0.1", 11, "-I", "creates a flow"},
		{"flush long", "conntrack --flush", 11, "--flush", "flushes the table"},
		{"list then flush", "conntrack -L -F", 14, "-F", "only lists the table"},
		{"no command", "conntrack -p tcp", 17, "", "missing -L"},
		{"nothing", "conntrack", 10, "", "missing -L"},
		{"twice", "conntrack -L --dump", 14, "--dump", "already given"},
		{"expect table", "conntrack -L expect", 14, "expect", "not the expectation table"},
		{"dying list", "conntrack -L dying", 14, "dying", "conntrack table only"},
		{"unknown table", "conntrack -L foo", 14, "foo", "unknown conntrack table"},
		{"port before proto", "conntrack -L --dport 80", 14, "--dport", `needs "-p tcp" or "-p udp" before it`},
		{"icmp has no port", "conntrack -L -p icmp --sport 1", 22, "--sport", "icmp flows have no ports"},
		{"bad proto", "conntrack -L -p sctp", 17, "sctp", "unsupported protocol"},
		{"missing proto", "conntrack -L -p", 16, "", "missing a protocol after -p"},
		{"bad port", "conntrack -L -p tcp --dport 70000", 29, "70000", "not a valid port"},
		{"port zero", "conntrack -L -p tcp --dport 0", 29, "0", "port 0"},
		{"bad address", "conntrack -L -s web", 17, "web", "not a valid IPv4 address"},
		{"bad prefix", "conntrack -L -d 10.0.0.0/33", 17, "10.0.0.0/33", "invalid prefix length"},
		{"reply prefix", "conntrack -L -r 10.0.0.0/24", 17, "10.0.0.0/24", "CIDR notation unavailable"},
		{"nat address", "conntrack -L -n 10.0.0.1", 17, "10.0.0.1", "without an address"},
		{"nat value", "conntrack -L --dst-nat=10.0.0.1", 24, "10.0.0.1", "without an address"},
		{"any with src", "conntrack -L -n -j", 17, "-j", "with --any-nat"},
		{"output", "conntrack -L -o extended", 14, "-o", "unsupported conntrack option"},
		{"mark long", "conntrack -L --mark 1", 14, "--mark", "unsupported conntrack option"},
		{"ambiguous", "conntrack -L --d", 14, "--d", "unknown conntrack option"},
		{"unknown long", "conntrack -L --bogus", 14, "--bogus", "unknown conntrack option"},
		{"stray word", "conntrack -L -p tcp 80", 21, "80", "unexpected"},
		{"clustered", "conntrack -Ln", 11, "-Ln", "unexpected"},
	})
}
