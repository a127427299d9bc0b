package cmdline

import (
	"strings"
	"testing"
)

// TestHostsLine: the one append netlab runs, its names and their columns.
func TestHostsLine(t *testing.T) {
	tests := []struct {
		line  string
		addr  string
		names string
		cols  []int
	}{
		{`echo "172.17.0.2 bbox1" >> /etc/hosts`, "172.17.0.2", "bbox1", []int{18}},
		{`echo '172.17.0.2 bbox1 b1' >>/etc/hosts`, "172.17.0.2", "bbox1 b1", []int{18, 24}},
		{`sudo echo "  10.0.0.1	web  " >> /etc/hosts`, "10.0.0.1", "web", []int{23}},
	}
	for _, tt := range tests {
		c := mustParse(t, tt.line)
		a, ok := c.Ops[0].(*HostsAdd)
		if !ok || len(c.Ops) != 1 {
			t.Fatalf("%s: ops %v", tt.line, c.Ops)
		}
		if a.Addr.String() != tt.addr || strings.Join(a.Names, " ") != tt.names {
			t.Errorf("%s: %s %v", tt.line, a.Addr, a.Names)
		}
		for i, col := range tt.cols {
			if got := []rune(tt.line)[col-1:][:len(a.Names[i])]; string(got) != a.Names[i] || a.NamesCol[i] != col {
				t.Errorf("%s: name %d at col %d (%q), want %d", tt.line, i, a.NamesCol[i], string(got), col)
			}
		}
		if !c.Mutating() {
			t.Errorf("%s is not mutating", tt.line)
		}
	}
}

// TestHostsRefusals: every other redirection is still refused, pointing
// at the word that is wrong.
func TestHostsRefusals(t *testing.T) {
	checkParseErrors(t, []parseErrorCase{
		{"append elsewhere", `echo "172.17.0.2 x" >> /etc/passwd`, 24, "/etc/passwd", "only to /etc/hosts"},
		{"append to a sysctl", "echo 1 >> /proc/sys/net/ipv4/ip_forward", 11, "/proc/sys/net/ipv4/ip_forward", "only to /etc/hosts"},
		{"overwrite hosts", `echo "172.17.0.2 x" > /etc/hosts`, 23, "/etc/hosts", "not under /proc/sys"},
		{"triple", `echo "172.17.0.2 x" >>> /etc/hosts`, 21, ">", "redirection"},
		{"two appends", `echo "172.17.0.2 x" >> /etc/hosts >> /etc/hosts`, 21, ">", "redirection"},
		{"split", `echo "172.17.0.2 x" > > /etc/hosts`, 21, ">", "redirection"},
		{"append and read", `echo "172.17.0.2 x" >> /etc/hosts < /dev/null`, 35, "<", "redirection"},
		{"append and pipe", `echo "172.17.0.2 x" >> /etc/hosts | tee`, 35, "|", "pipe"},
		{"unquoted", "echo 172.17.0.2 x >> /etc/hosts", 17, "x", "quote the hosts line"},
		{"no name", `echo "172.17.0.2" >> /etc/hosts`, 6, "172.17.0.2", "not a hosts line"},
		{"bad address", `echo "172.17.0.300 web" >> /etc/hosts`, 7, "172.17.0.300", "not an IPv4 address"},
		{"ipv6", `echo "::1 web" >> /etc/hosts`, 7, "::1", "not an IPv4 address"},
		{"bad name", `echo "172.17.0.2 web_1" >> /etc/hosts`, 18, "web_1", "not a host name"},
		{"numeric name", `echo "172.17.0.2 1.2" >> /etc/hosts`, 18, "1.2", "not a host name"},
		{"trailing", `echo "172.17.0.2 web" >> /etc/hosts x`, 37, "x", "unexpected"},
		{"other program", `ip link >> /etc/hosts`, 9, ">", "redirection"},
		{"in netns exec", `ip netns exec a echo "172.17.0.2 web" >> /etc/hosts`, 39, ">", "redirection"},
		{"no path", `echo "172.17.0.2 web" >>`, 25, "", "missing /etc/hosts"},
	})
}

// TestIsHostName: what a name is, and what is not one.
func TestIsHostName(t *testing.T) {
	for _, s := range []string{"web", "bbox1", "db.lab", "a-b", "x1.example.org", "localhost", "A"} {
		if !IsHostName(s) {
			t.Errorf("%q is a host name", s)
		}
	}
	for _, s := range []string{"", "-a", "a-", "a..b", ".a", "a.", "web_1", "1.2.3.4", "12", "a b", "ä", strings.Repeat("a", 64), strings.Repeat("a.", 127) + "ab"} {
		if IsHostName(s) {
			t.Errorf("%q is not a host name", s)
		}
	}
}
