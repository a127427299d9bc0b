package capture

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSummaryVerboseMatchesTcpdump reads each recording with tcpdump -v
// and -vv (leaving out IPv6 and IGMP, whose -v detail netlab does not
// print: background chatter a lab hides) and checks our lines at the same verbosity are the same, line
// for line: the IP header's fields, and the checksums -vv checks.
func TestSummaryVerboseMatchesTcpdump(t *testing.T) {
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("tcpdump not installed")
	}
	for _, name := range recorded {
		for _, v := range []struct {
			name  string
			flag  string
			level int
		}{{"-v", "-v", 1}, {"-vv", "-vv", 2}} {
			t.Run(name+v.name, func(t *testing.T) {
				out, err := exec.Command("tcpdump", "-nn", "-t", v.flag, "-r", filepath.Join("testdata", name+".pcap"), "not ip6 and not igmp").Output()
				if err != nil {
					t.Fatalf("tcpdump -r: %v", err)
				}
				want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
				var got []string
				for _, p := range readPcap(t, name+".pcap", Options{}) {
					p.Verbose = v.level
					got = append(got, strings.Split(p.Summary(false), "\n")...)
				}
				if len(got) != len(want) {
					t.Errorf("got %d lines, tcpdump printed %d", len(got), len(want))
				}
				for i := 0; i < len(got) && i < len(want); i++ {
					if got[i] != want[i] {
						t.Errorf("line %d:\n got: %s\nwant: %s", i+1, got[i], want[i])
					}
				}
			})
		}
	}
}

// TestSummaryVerboseFields spells out the -v header of the seed's
// forwarded echo request, with a correct checksum, and what -vv adds.
func TestSummaryVerboseFields(t *testing.T) {
	pkts := readPcap(t, "nat.pcap", Options{ShowBackground: true})
	var found bool
	for _, p := range pkts {
		p.Verbose = 2
		s := p.Summary(false)
		if !strings.Contains(s, "ICMP echo request") {
			continue
		}
		found = true
		for _, want := range []string{"IP (tos 0x0, ttl ", ", id ", ", offset 0, flags [", "], proto ICMP (1), length 84)\n    "} {
			if !strings.Contains(s, want) {
				t.Errorf("-vv line %q lacks %q", s, want)
			}
		}
		p.Verbose = 0
		if s := p.Summary(false); strings.Contains(s, "ttl") || strings.Contains(s, "\n") {
			t.Errorf("plain line %q carries -v detail", s)
		}
	}
	if !found {
		t.Fatal("no echo request in nat.pcap")
	}
}
