package cmdline

import (
	"testing"
	"time"
)

func TestMaxDuration(t *testing.T) {
	tests := []struct {
		name string
		line string
		want time.Duration
	}{
		{name: "default ping: 3 packets 1 s apart, 1 s wait", line: "ping 10.0.0.2", want: 3 * time.Second},
		{name: "count and interval", line: "ping -c 1000 -i 60 192.0.2.1", want: 999*time.Minute + time.Second},
		{name: "wait longer than interval", line: "ping -c 5 -W 2 -i 0.5 10.0.0.2", want: 10 * time.Second},
		{name: "deadline cuts it short", line: "ping -c 100 -w 5 10.0.0.2", want: 6 * time.Second},
		{name: "deadline longer than the count", line: "ping -c 2 -w 30 10.0.0.2", want: 2 * time.Second},
		{name: "one packet", line: "ping -c 1 -W 1 10.9.0.2", want: time.Second},
		{name: "in a namespace", line: "ip netns exec ns1 ping -c 4 10.0.0.2", want: 4 * time.Second},
		{name: "not a ping", line: "ip link add br0 type bridge", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.line)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.MaxDuration(); got != tt.want {
				t.Errorf("MaxDuration(%q) = %v, want %v", tt.line, got, tt.want)
			}
		})
	}
}
