package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// netlab capture's flags as tcpdump treats them (issue 14 item 9): a count
// below 1 is a usage error, a write error is a failure, and -w refuses a
// symbolic link.
func TestCaptureFlags(t *testing.T) {
	c := newCLI(t)
	for _, n := range []string{"0", "-1"} {
		out := c.must(2, "capture", "lo", "-c", n)
		if !strings.Contains(out, "invalid packet count "+n) {
			t.Errorf("-c %s: %s", n, out)
		}
	}
	c.must(0, "start", "bridge")
	c.must(0, "step", "-n", "1")
	// lo of the lab host carries the pings to the host's own address.
	go func() {
		time.Sleep(300 * time.Millisecond) // let the socket open
		c.cmd("exec", "host", "--", "ping", "-c", "2", "-i", "0.2", "127.0.0.1").Run()
	}()
	out := c.must(1, "capture", "host:lo", "-c", "2", "-w", "/dev/full")
	if !strings.Contains(out, "no space left on device") {
		t.Errorf("-w /dev/full: %s", out)
	}
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "out.pcap")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	out = c.must(1, "capture", "host:lo", "-c", "1", "-w", link)
	if !strings.Contains(out, "symbolic link") {
		t.Errorf("-w onto a link: %s", out)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Errorf("the link's target was written: %q", b)
	}
}

// TestCaptureVerbose: netlab capture -vv prints the IP header as tcpdump
// -vv does, on a line of its own before the addresses, and -v once does
// too; without -v the line is the one-line form.
func TestCaptureVerbose(t *testing.T) {
	c := newCLI(t)
	c.must(0, "start", "bridge")
	c.must(0, "step", "-n", "1")
	tests := []struct {
		name  string
		flags []string
		want  string
	}{
		{"plain", nil, " host:lo In IP 127.0.0.1 > 127.0.0.1: ICMP echo"}, // on lo each packet once, as it arrives (as libpcap keeps it)
		{"-v", []string{"-v"}, "IP (tos 0x0, ttl 64, id "},
		{"-vv", []string{"-vv"}, ", proto ICMP (1), length 84)\n    127.0.0.1 > 127.0.0.1: ICMP echo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			go func() {
				time.Sleep(300 * time.Millisecond) // let the socket open
				c.cmd("exec", "host", "--", "ping", "-c", "1", "127.0.0.1").Run()
			}()
			out := c.must(0, append([]string{"capture", "host:lo", "-c", "1", "--filter", "icmp"}, tt.flags...)...)
			if !strings.Contains(out, tt.want) {
				t.Errorf("netlab capture %v printed:\n%s\nwant it to contain %q", tt.flags, out, tt.want)
			}
		})
	}
}

// TestCaptureVerb captures on two lab interfaces at once while a ping
// crosses them, printing as tcpdump -nn and writing a pcap tcpdump reads.
func TestCaptureVerb(t *testing.T) {
	c := newCLI(t)
	c.must(0, "start", "bridge")
	c.must(0, "step", "-n", "8")
	pcap := t.TempDir() + "/out.pcap"
	cmd := c.cmd("capture", "br01", "ns01:veth01", "-c", "6", "-w", pcap)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(500 * time.Millisecond) // let the sockets open
	c.must(0, "exec", "ns02", "--", "ping", "-c", "1", "192.168.88.11")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("capture: %v\n%s", err, out.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("capture never saw 6 packets:\n%s", out.String())
	}
	for _, want := range []string{"host:br01 B ARP, Request who-has 192.168.88.11 tell 192.168.88.12, length 28",
		"ns01:veth01 In IP 192.168.88.12 > 192.168.88.11: ICMP echo request", "6 packets captured"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("capture output lacks %q:\n%s", want, out.String())
		}
	}
	read, err := exec.Command("tcpdump", "-nn", "-r", pcap).CombinedOutput()
	if err != nil || strings.Count(string(read), "\n") < 6 {
		t.Errorf("tcpdump -r %s: %v\n%s", pcap, err, read)
	}
	c.must(2, "capture", "nosuch:eth0")
}
