package cmdline

import "testing"

// TestTcpdumpCapture checks what a lab's tcpdump line asks the
// capture for: the interface, the filter words, -e and the -v count.
func TestTcpdumpCapture(t *testing.T) {
	tests := []struct {
		name string
		line string
		want Capture
	}{
		{"plain", "tcpdump -i br01 -nn", Capture{Iface: "br01", IfaceCol: 12}},
		{"seed verbose", "tcpdump -i eth0 -nn -vv host 203.0.113.10", Capture{Iface: "eth0", Filter: "host 203.0.113.10", Verbose: 2, IfaceCol: 12}},
		{"one v", "tcpdump -v -i eth0", Capture{Iface: "eth0", Verbose: 1, IfaceCol: 15}},
		{"v twice apart", "tcpdump -v -i eth0 -v", Capture{Iface: "eth0", Verbose: 2, IfaceCol: 15}},
		{"combined", "tcpdump -nnvve -i eth0 icmp", Capture{Iface: "eth0", Filter: "icmp", Verbose: 2, LinkLevel: true, IfaceCol: 19}},
		{"vvv counts as vv", "tcpdump -vvv -i eth0", Capture{Iface: "eth0", Verbose: 2, IfaceCol: 17}},
		{"attached iface", "tcpdump -ieth0 icmp", Capture{Iface: "eth0", Filter: "icmp", IfaceCol: 11}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.line)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.line, err)
			}
			got, ok := c.Ops[0].(*Capture)
			if len(c.Ops) != 1 || !ok || *got != tt.want {
				t.Errorf("Parse(%q) = %+v, want one %+v", tt.line, c.Ops, tt.want)
			}
		})
	}
}
