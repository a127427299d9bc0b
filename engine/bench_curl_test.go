package engine

import (
	"os/exec"
	"strings"
	"testing"
)

// BenchmarkCurlThroughDNAT fetches one page through a published port, the
// path of "docker run -p 8080:80": a client on the peer host asks the lab
// host's 192.0.2.1:8080, which DNATs it to a busybox httpd (netlab's) in
// the namespace ns01 at 172.17.0.2:80. netlab's curl and the real curl
// binary (entered into the peer's namespace with nsenter, as "ip netns
// exec" would) take turns on the same path in the same run.
func BenchmarkCurlThroughDNAT(b *testing.B) {
	s := pairLab(b)
	if _, err := applyNext(s, step(b, "publish",
		"ip netns add ns01",
		"ip link add veth0 type veth peer name eth0 netns ns01",
		"ip addr add 172.17.0.1/16 dev veth0", "ip link set veth0 up",
		"ip netns exec ns01 ip addr add 172.17.0.2/16 dev eth0", "ip netns exec ns01 ip link set eth0 up",
		"ip netns exec ns01 ip route add default via 172.17.0.1",
		"sysctl -w net.ipv4.ip_forward=1",
		"iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
		"ip netns exec ns01 busybox httpd -f -p 80",
	)); err != nil {
		b.Fatal(err)
	}
	url := "http://192.0.2.1:8080/"
	want := "Hello from ns01: httpd on 172.17.0.2:80"
	peer, err := s.NodePath("peer")
	if err != nil {
		b.Fatal(err)
	}
	c := mustParse(b, "curl -s "+url)
	b.Run("netlab", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if r := s.Run("peer", c); r.Err != nil || r.ExitCode != 0 || !strings.Contains(r.Output, want) {
				b.Fatalf("netlab curl: %v exit %d\n%s", r.Err, r.ExitCode, r.Output)
			}
		}
	})
	b.Run("curl", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			out, err := exec.Command("nsenter", "--net="+peer, "curl", "-s", url).CombinedOutput()
			if err != nil || !strings.Contains(string(out), want) {
				b.Fatalf("curl: %v\n%s", err, out)
			}
		}
	})
}
