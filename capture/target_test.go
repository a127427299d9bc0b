package capture

import (
	"runtime"
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
