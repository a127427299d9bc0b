package tui

import "testing"

// TestOneLine: a pane row joins a summary's lines and holds no tab, for
// VXLAN's two lines and for -v's IP and HTTP lines.
func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"IP a > b: VXLAN, vni 256\nARP, Request\n":                                                    "IP a > b: VXLAN, vni 256 | ARP, Request",
		"IP (tos 0x0)\n    a.1 > b.80: Flags [P.], length 18: HTTP, length: 18\n\tGET / HTTP/1.1\n\t": "IP (tos 0x0) |     a.1 > b.80: Flags [P.], length 18: HTTP, length: 18 | GET / HTTP/1.1 | ",
		"IP a.1 > b.80: Flags [P.], length 9: HTTP\n\tX:\tyes":                                        "IP a.1 > b.80: Flags [P.], length 9: HTTP | X: yes",
	} {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}
