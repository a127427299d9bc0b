package capture

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/bpf"
)

func TestParseFilterErrors(t *testing.T) {
	tests := []struct {
		name, filter, want string
	}{
		{"misspelt word", "icmp hots 192.0.2.1", `filter: col 6: unknown keyword "hots"`},
		{"unknown first word", "hots 192.0.2.1", `filter: col 1: unknown keyword "hots"`},
		{"bad address", "host 192.0.2.300", `filter: col 6: bad address "192.0.2.300" (want an IPv4 or IPv6 address)`},
		{"bad port", "port http", `filter: col 6: bad port "http" (want 0-65535)`},
		{"missing address", "src host", `filter: col 9: expected an address after "host" at end of filter`},
		{"missing operand", "arp or", `filter: col 7: expected a filter word at end of filter`},
		{"missing and", "arp icmp", `filter: col 5: expected "and" or "or" before "icmp"`},
		{"unclosed paren", "(arp or icmp", `filter: col 13: expected ")" at end of filter`},
		{"extra paren", "arp)", `filter: col 4: unbalanced ")"`},
		{"single ampersand", "arp & icmp", `filter: col 5: unexpected "&" (did you mean "&&"?)`},
		{"src without host", "src 192.0.2.1", `filter: col 5: expected "host" or "port", found "192.0.2.1"`},
		{"empty parens", "()", `filter: col 2: expected a filter word, found ")"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFilter(tt.filter)
			if err == nil || err.Error() != tt.want {
				t.Errorf("ParseFilter(%q) = %v, want %s", tt.filter, err, tt.want)
			}
		})
	}
}

// filterCases are filters students type; tcpdump is how libpcap spells
// the same filter where it differs (libpcap 1.10 has no "vxlan").
var filterCases = []struct{ filter, tcpdump string }{
	{filter: "arp"},
	{filter: "icmp"},
	{filter: "icmp6"},
	{filter: "ip"},
	{filter: "ip6"},
	{filter: "udp"},
	{filter: "tcp"},
	{filter: "vxlan", tcpdump: "udp dst port 4789"},
	{filter: "not vxlan", tcpdump: "not udp dst port 4789"},
	{filter: "host 192.168.88.12"},
	{filter: "src host 192.168.88.11"},
	{filter: "dst host 198.51.100.1"},
	{filter: "host ff02::16"},
	{filter: "port 40001"},
	{filter: "src port 40001"},
	{filter: "dst port 4789"},
	{filter: "tcp port 40002"},
	{filter: "udp port 40000"},
	{filter: "ip host 192.168.88.12"},
	{filter: "not arp"},
	{filter: "! icmp && ! arp"},
	{filter: "arp or icmp"},
	{filter: "arp || (icmp && host 192.168.88.11)"},
	{filter: "not (arp or ip6)"},
	{filter: "icmp and not host 192.168.88.1"},
	{filter: "tcp and (port 40001 or port 40002) and not src host 192.168.88.12"},
}

// TestFilterMatchesTcpdump runs each filter over every recording, in user
// space, and checks it keeps exactly the packets tcpdump -r keeps.
func TestFilterMatchesTcpdump(t *testing.T) {
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("tcpdump not installed")
	}
	for _, name := range recorded {
		for _, fc := range filterCases {
			t.Run(name+"/"+fc.filter, func(t *testing.T) {
				expr := fc.tcpdump
				if expr == "" {
					expr = fc.filter
				}
				out, err := exec.Command("tcpdump", "-nn", "-t", "-r", filepath.Join("testdata", name+".pcap"), expr).Output()
				if err != nil {
					t.Fatalf("tcpdump %q: %v", expr, err)
				}
				want := strings.TrimSuffix(string(out), "\n")
				var got []string
				for _, p := range readPcap(t, name+".pcap", Options{Filter: fc.filter, ShowBackground: true}) {
					got = append(got, p.Summary(false))
				}
				if g := strings.Join(got, "\n"); g != want {
					t.Errorf("filter %q kept\n%s\ntcpdump %q kept\n%s", fc.filter, g, expr, want)
				}
			})
		}
	}
}

// TestBPFAgreesWithUserSpace runs each compiled program in x/net/bpf's VM
// and checks it decides every recorded packet as the evaluator does.
func TestBPFAgreesWithUserSpace(t *testing.T) {
	var frames [][]byte
	for _, name := range recorded {
		for _, p := range readPcap(t, name+".pcap", Options{ShowBackground: true}) {
			frames = append(frames, p.Data)
		}
	}
	frames = append(frames, nil, []byte{0x01}, make([]byte, 20)) // short frames
	for _, fc := range filterCases {
		f, err := ParseFilter(fc.filter)
		if err != nil {
			t.Fatal(err)
		}
		prog, err := f.BPF()
		if err != nil {
			t.Fatalf("%q: %v", fc.filter, err)
		}
		vm, err := bpf.NewVM(prog)
		if err != nil {
			t.Fatalf("%q: %v", fc.filter, err)
		}
		for i, d := range frames {
			n, err := vm.Run(d)
			if err != nil {
				t.Fatalf("%q: %v", fc.filter, err)
			}
			if (n > 0) != f.Match(d) {
				t.Errorf("%q on frame %d: BPF %v, user space %v", fc.filter, i, n > 0, f.Match(d))
			}
		}
	}
}

func TestBackgroundHiddenByDefault(t *testing.T) {
	all := readPcap(t, "bridge.pcap", Options{ShowBackground: true})
	quiet := readPcap(t, "bridge.pcap", Options{})
	for _, p := range quiet {
		s := p.Summary(false)
		if strings.Contains(s, "ICMP6") || strings.Contains(s, "igmp") {
			t.Errorf("background packet shown: %s", s)
		}
	}
	if len(quiet) == 0 || len(quiet) >= len(all) {
		t.Errorf("quiet capture kept %d of %d packets", len(quiet), len(all))
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, fc := range filterCases {
		f.Add(fc.filter)
	}
	f.Add("((not ! arp) || &&")
	f.Add("host ::ffff:1.2.3.4 and port 65535")
	frame := []byte("\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x08\x00\x45\x00\x00\x1c\x00\x00\x00\x00\x40\x11\x00\x00\xc0\x00\x02\x01\xc0\x00\x02\x02\x12\xb5\x12\xb5\x00\x08\x00\x00")
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := ParseFilter(s)
		if err != nil {
			if _, ok := err.(*FilterError); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		flt.Match(frame)
		if prog, err := flt.BPF(); err == nil {
			if _, err := bpf.Assemble(prog); err != nil {
				t.Fatalf("%q: assemble: %v", s, err)
			}
		}
	})
}
