package capture

import (
	"strings"
	"testing"
)

// TestOptionsLinkLevel: a capture opened with -e (Options.LinkLevel)
// delivers packets that print their MAC addresses wherever they are
// summarised, as a lab's "tcpdump -e" step needs (the runner and the TUI
// ask for Summary(false)): the lines tcpdump -e -nn printed for the
// recorded flannel packets, and without -e the lines of plain -nn.
func TestOptionsLinkLevel(t *testing.T) {
	for _, tt := range []struct {
		name      string
		linkLevel bool
		golden    string
	}{
		{"with -e", true, "otv.e.txt"},
		{"without -e", false, "otv.txt"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pkts := readPcap(t, "otv.pcap", Options{ShowBackground: true, LinkLevel: tt.linkLevel})
			if len(pkts) == 0 {
				t.Fatal("no packets read")
			}
			want := goldenLines(t, tt.golden)
			var got []string
			for _, p := range pkts {
				if p.LinkLevel != tt.linkLevel {
					t.Errorf("packet LinkLevel = %v, want %v", p.LinkLevel, tt.linkLevel)
				}
				got = append(got, strings.Split(p.Summary(false), "\n")...)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("got:\n%s\nwant (tcpdump):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
