package engine

import "testing"

// TestTcpdumpCaptureRequest checks what a lab's tcpdump line asks the
// capture for: the interface, the filter words, -e and the -v count.
func TestTcpdumpCaptureRequest(t *testing.T) {
	tests := []struct {
		name string
		line string
		want CaptureRequest
	}{
		{"plain", "tcpdump -i br01 -nn", CaptureRequest{Iface: "br01"}},
		{"seed verbose", "tcpdump -i eth0 -nn -vv host 203.0.113.10", CaptureRequest{Iface: "eth0", Filter: "host 203.0.113.10", Verbose: 2}},
		{"one v", "tcpdump -v -i eth0", CaptureRequest{Iface: "eth0", Verbose: 1}},
		{"v twice apart", "tcpdump -v -i eth0 -v", CaptureRequest{Iface: "eth0", Verbose: 2}},
		{"combined", "tcpdump -nnvve -i eth0 icmp", CaptureRequest{Iface: "eth0", Filter: "icmp", Verbose: 2, LinkLevel: true}},
		{"vvv counts as vv", "tcpdump -vvv -i eth0", CaptureRequest{Iface: "eth0", Verbose: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.line)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.line, err)
			}
			got := c.Capture()
			if got == nil || *got != tt.want {
				t.Errorf("Parse(%q).Capture() = %+v, want %+v", tt.line, got, tt.want)
			}
		})
	}
}
