package capture

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		name, in, node, iface string
		wantErr               bool
	}{
		{name: "node and iface", in: "ns01:veth01", node: "ns01", iface: "veth01"},
		{name: "bare iface", in: "br01", node: "host", iface: "br01"},
		{name: "empty node", in: ":veth01", wantErr: true},
		{name: "empty iface", in: "ns01:", wantErr: true},
		{name: "too long", in: "ns01:abcdefghijklmnop", wantErr: true},
		{name: "two colons", in: "a:b:c", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node, iface, err := ParseTarget(tt.in, "host")
			if (err != nil) != tt.wantErr || node != tt.node && !tt.wantErr || iface != tt.iface && !tt.wantErr {
				t.Errorf("ParseTarget(%q) = %q, %q, %v", tt.in, node, iface, err)
			}
		})
	}
}

// TestCloseLeavesNoGoroutines opens a capture on two interfaces of two
// namespaces and checks Close stops every goroutine it started.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	l := bridgeLab(t)
	upBridgeLab(l)
	before := runtime.NumGoroutine()
	c, err := Open([]Target{
		{Node: "host", NSPath: l.node("host").path(), Iface: "br01"},
		{Node: "ns01", NSPath: l.node("ns01").path(), Iface: "veth01"},
	}, Options{Filter: "icmp"})
	if err != nil {
		t.Fatal(err)
	}
	l.mustRun("ns01", "ping", "-c", "1", "192.168.88.12")
	c.Close()
	for range c.Packets() {
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before Open", n, before)
	}
	if _, err := Open([]Target{{Node: "ns01", NSPath: l.node("ns01").path(), Iface: "nosuch0"}}, Options{}); err == nil {
		t.Error("Open on a missing interface succeeded")
	}
}

// TestWhere pins how lines name where a packet was: node:iface in a lab
// of one host, the host before a namespace's node in a lab of several,
// never twice when the node's name already holds it.
func TestWhere(t *testing.T) {
	tests := []struct {
		name string
		t    Target
		want string
	}{
		{name: "one host", t: Target{Node: "ns01", Iface: "veth01"}, want: "ns01:veth01"},
		{name: "namespace on a host", t: Target{Host: "host2", Node: "c2", Iface: "eth0"}, want: "c2@host2:eth0"},
		{name: "the host itself", t: Target{Host: "host2", Node: "host2", Iface: "eth0"}, want: "host2:eth0"},
		{name: "qualified node with @", t: Target{Host: "host2", Node: "1-722bc7739c@host2", Iface: "vxlan0"}, want: "1-722bc7739c@host2:vxlan0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.t.Where(); got != tt.want {
				t.Errorf("Where() = %q, want %q", got, tt.want)
			}
			p := Packet{Host: tt.t.Host, Node: tt.t.Node, Iface: tt.t.Iface}
			if got := p.Where(); got != tt.want {
				t.Errorf("Packet.Where() = %q, want %q", got, tt.want)
			}
			if line := p.Line(false); !strings.Contains(line, " "+tt.want+" ") {
				t.Errorf("Line = %q, want it to name %s", line, tt.want)
			}
			if p.Label() != tt.t.Node+":"+tt.t.Iface {
				t.Errorf("Label() = %q: it stays node:iface, what lab files say", p.Label())
			}
		})
	}
}
