package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// "netlab exec NODE -- ..." shows the real tools the node's names: its
// /etc/hosts there is the node's table (read-only), in the private mount
// namespace exec makes; the machine's /etc/hosts and its mounts stay as
// they were. Only names the table holds are looked up, so the real ping
// never asks a DNS server.
func TestExecSeesNames(t *testing.T) {
	c := newCLI(t)
	if fi, err := os.Stat("/etc/hosts"); err != nil || !fi.Mode().IsRegular() {
		t.Skip("the machine has no /etc/hosts file to cover")
	}
	hostsBefore, _ := os.ReadFile("/etc/hosts")
	mountsBefore := etcHostsMounts(t)
	c.must(0, "start", "labs/testdata/good/names.yaml")
	if got, want := c.must(0, "exec", "web", "--", "cat", "/etc/hosts"), "127.0.0.1\tlocalhost\n172.18.0.3\tdb\n"; got != want {
		t.Errorf("web's /etc/hosts:\n%s\nwant:\n%s", got, want)
	}
	c.must(0, "step")
	c.must(0, "step")
	c.must(0, "step") // db: echo "172.18.0.2 bbox1" >> /etc/hosts
	if got, want := c.must(0, "exec", "db", "--", "cat", "/etc/hosts"), "127.0.0.1\tlocalhost\n172.18.0.2\tweb\n172.18.0.2\tbbox1\n"; got != want {
		t.Errorf("db's /etc/hosts after the link:\n%s\nwant:\n%s", got, want)
	}
	out := c.must(0, "exec", "db", "--", "ping", "-c", "1", "bbox1")
	// the reverse lookup finds the first line holding the address: web
	if !regexp.MustCompile(`^PING bbox1 \(172\.18\.0\.2\) 56\(84\) bytes of data\.\n64 bytes from web \(172\.18\.0\.2\): icmp_seq=1 ttl=64 time=`).MatchString(out) {
		t.Errorf("real ping by name:\n%s", out)
	}
	out, code := c.run("exec", "db", "--", "sh", "-c", "echo '10.0.0.1 x' >> /etc/hosts")
	if code == 0 || !strings.Contains(out, "Read-only file system") {
		t.Errorf("writing /etc/hosts in exec: exit %d: %s", code, out)
	}
	c.must(0, "undo")
	if got := c.must(0, "exec", "db", "--", "cat", "/etc/hosts"); strings.Contains(got, "bbox1") {
		t.Errorf("undo left bbox1:\n%s", got)
	}
	if after, _ := os.ReadFile("/etc/hosts"); !bytes.Equal(after, hostsBefore) {
		t.Fatal("the machine's /etc/hosts changed")
	}
	if got := etcHostsMounts(t); got != mountsBefore {
		t.Fatalf("the machine's mounts on /etc/hosts changed:\n%s\nwas:\n%s", got, mountsBefore)
	}
	c.must(0, "reset")
	if _, err := os.Stat(c.dir + "/hosts"); !os.IsNotExist(err) {
		t.Errorf("reset left %s/hosts: %v", c.dir, err)
	}
}

// etcHostsMounts lists this process's mounts on /etc/hosts.
func etcHostsMounts(t *testing.T) string {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) > 4 && f[4] == "/etc/hosts" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
