package engine

import "testing"

func TestChangeStrings(t *testing.T) {
	tests := []struct {
		name string
		c    Change
		want string
	}{
		{"state", Change{Node: "host", Kind: "link", Op: "~", Old: "br-veth01 veth down mtu=1500 master=br01", New: "br-veth01 veth up mtu=1500 master=br01"},
			"~ host link br-veth01: down -> up"},
		{"master and mtu", Change{Node: "host", Kind: "link", Op: "~", Old: "v1 veth up mtu=1500", New: "v1 veth up mtu=1400 master=br01"},
			"~ host link v1: mtu=1500 -> mtu=1400, +master=br01"},
		{"detached", Change{Node: "host", Kind: "link", Op: "~", Old: "v1 veth up mtu=1500 master=br01", New: "v1 veth up mtu=1500"},
			"~ host link v1: -master=br01"},
		{"sysctl", Change{Node: "host", Kind: "sysctl", Op: "~", Old: "net.ipv4.ip_forward = 0", New: "net.ipv4.ip_forward = 1"},
			"~ host sysctl: net.ipv4.ip_forward = 0 -> net.ipv4.ip_forward = 1"},
		{"added", Change{Node: "ns01", Kind: "route", Op: "+", New: "default via 192.168.88.1 dev veth01"},
			"+ ns01 route: default via 192.168.88.1 dev veth01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
