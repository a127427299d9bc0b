package rootless

import (
	"strings"
	"testing"
)

// TestTcpdumpArgs: tcpdump's command line as the seeds type it becomes
// netlab capture's; what capture cannot do is refused by name.
func TestTcpdumpArgs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  string
		iface string
		flags string
		err   string
	}{
		{name: "the seed's", args: "-i br01 -nn", iface: "br01", flags: ""},
		{name: "verbose", args: "-nn -vv -i eth0", iface: "eth0", flags: "-vv"},
		{name: "clustered", args: "-nnei veth01 -c 5", iface: "veth01", flags: "-e -c 5"},
		{name: "attached values", args: "-ibr01 -c3 -w /tmp/x.pcap", iface: "br01", flags: "-c 3 -w /tmp/x.pcap"},
		{name: "a filter", args: "-i br01 -n icmp or arp", iface: "br01", flags: "--filter icmp or arp"},
		{name: "long interface", args: "--interface=br01 -l", iface: "br01", flags: ""},
		{name: "no interface", args: "-nn", err: "name the interface with -i"},
		{name: "any", args: "-i any", err: "name the interface with -i"},
		{name: "an option capture lacks", args: "-i br01 -X", err: "option -X"},
		{name: "a long option", args: "-i br01 --immediate-mode", err: "option --immediate-mode"},
		{name: "a bad count", args: "-i br01 -c 0", err: "invalid packet count"},
		{name: "a missing value", args: "-i", err: "needs a value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			iface, flags, err := tcpdumpArgs(strings.Fields(tc.args))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || iface != tc.iface || strings.Join(flags, " ") != tc.flags {
				t.Errorf("got %q %q %v, want %q %q", iface, flags, err, tc.iface, tc.flags)
			}
		})
	}
}
