package cmdline

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var updateParse = flag.Bool("update", false, "rewrite testdata/parse.golden")

// mustParse parses a command or fails the test.
func mustParse(t testing.TB, line string) *Command {
	t.Helper()
	c, err := Parse(line)
	if err != nil {
		t.Fatalf("Parse(%q): %v", line, err)
	}
	return c
}

// render writes a parsed command as the golden file holds it: each
// operation's type and its fields as JSON.
func render(c *Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "program=%s netns=%q netnscol=%d mutating=%v\n", c.Program, c.Netns, c.NetnsCol, c.Mutating())
	for _, o := range c.Ops {
		j, err := json.Marshal(o)
		if err != nil {
			j = []byte(err.Error())
		}
		fmt.Fprintf(&b, "\t%T %s\n", o, macJSON.ReplaceAllStringFunc(ipnetJSON.ReplaceAllStringFunc(string(j), prefixText), macText))
	}
	return b.String()
}

// ipnetJSON matches a net.IPNet as encoding/json writes it, with its mask
// in base64.
var ipnetJSON = regexp.MustCompile(`\{"IP":"([^"]*)","Mask":"([^"]*)"\}`)

// macJSON matches a net.HardwareAddr as encoding/json writes it (base64).
var macJSON = regexp.MustCompile(`"(MAC|LLAddr)":"([^"]*)"`)

// macText rewrites a matched MAC as ip(8) prints it.
func macText(m string) string {
	sub := macJSON.FindStringSubmatch(m)
	b, err := base64.StdEncoding.DecodeString(sub[2])
	if err != nil {
		return m
	}
	return fmt.Sprintf("%q:%q", sub[1], net.HardwareAddr(b).String())
}

// prefixText rewrites a matched net.IPNet as "A/N", as ip(8) prints it.
func prefixText(m string) string {
	sub := ipnetJSON.FindStringSubmatch(m)
	mask, err := base64.StdEncoding.DecodeString(sub[2])
	if err != nil {
		return m
	}
	ones, _ := net.IPMask(mask).Size()
	return fmt.Sprintf("%q", fmt.Sprintf("%s/%d", sub[1], ones))
}

// TestParseAccepts checks each accepted line's program, namespace and
// kind, and its typed operations against testdata/parse.golden (go test
// -run TestParseAccepts -update to refresh).
func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name, line string
		program    string
		netns      string
		mutating   bool
		ops        int
	}{
		{"netns add", "ip netns add ns01", "ip", "", true, 1},
		{"netns delete", "sudo ip netns delete ns01", "ip", "", true, 1},
		{"netns list", "ip netns list", "ip", "", false, 1},
		{"netns exec", "ip netns exec ns01 ip link set dev veth01 up", "ip", "ns01", true, 1},
		{"bridge", "ip link add br0 type bridge", "ip", "", true, 1},
		{"veth", "ip link add veth01 type veth peer name br-veth01", "ip", "", true, 1},
		{"veth peer netns", "ip link add eth0 type veth peer name wan0 netns internet", "ip", "", true, 1},
		{"veth same name across namespaces", "ip link add eth0 type veth peer name eth0 netns peer", "ip", "", true, 1},
		{"vxlan", "ip link add vxlan0 type vxlan id 256 dstport 4789 remote 198.51.100.2 dev eth0", "ip", "", true, 1},
		{"vxlan group", "ip link add vxlan0 type vxlan id 42 group 239.1.1.1 dev eth0", "ip", "", true, 1},
		{"macvlan", "ip link add link eth0 name mac1 type macvlan mode bridge", "ip", "", true, 1},
		{"vxlan overlay options", "ip link add vxlan0 type vxlan id 256 dstport 4789 proxy l2miss l3miss nolearning ttl inherit", "ip", "", true, 1},
		{"vxlan flannel", "ip link add flannel.1 type vxlan id 1 local 192.0.2.2 dev eth0 dstport 8472 nolearning", "ip", "", true, 1},
		{"vxlan ttl srcport", "ip link add vx2 type vxlan id 2 group 239.1.1.1 dev eth0 ttl 5 srcport 1000 2000 learning noproxy", "ip", "", true, 1},
		{"vxlan port range old spelling", "ip link add vx2 type vxlan id 2 port 1000 2000 ttl auto", "ip", "", true, 1},
		{"vlan", "ip link add link eth0 name eth0.10 type vlan id 10", "ip", "", true, 1},
		{"link details", "ip -d link show", "ip", "", false, 1},
		{"link details dev", "ip -d link show dev vxlan0", "ip", "", false, 1},
		{"link details bare", "ip -details link list flannel.1", "ip", "", false, 1},
		{"link details brief", "ip -br -d link", "ip", "", false, 1},
		{"link set many", "ip link set dev veth01 mtu 1400 address 02:00:00:00:00:01 promisc on up", "ip", "", true, 1},
		{"link set master", "ip link set veth01 master br01", "ip", "", true, 1},
		{"link set nomaster", "ip link set veth01 nomaster", "ip", "", true, 1},
		{"link set netns", "ip link set veth01 netns ns01", "ip", "", true, 1},
		{"link set name", "ip link set veth01 name eth1", "ip", "", true, 1},
		{"link del", "ip link del dev veth01", "ip", "", true, 1},
		{"addr add", "ip addr add 192.168.88.1/24 dev br01", "ip", "", true, 1},
		{"addr abbrev", "ip a add 192.168.88.1/24 dev br01", "ip", "", true, 1},
		{"addr del", "ip address del 192.168.88.1/24 dev br01", "ip", "", true, 1},
		{"route default", "ip route add default via 192.168.88.1", "ip", "", true, 1},
		{"route prefix via", "ip route add 10.1.0.0/16 via 192.168.88.1", "ip", "", true, 1},
		{"route prefix dev", "ip r add 10.1.0.0/16 dev br01", "ip", "", true, 1},
		{"route del", "ip route del default", "ip", "", true, 1},
		{"route onlink", "ip route add 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink", "ip", "", true, 1},
		{"show addr brief", "ip -br addr", "ip", "", false, 1},
		{"show link dev", "ip link show dev br01", "ip", "", false, 1},
		{"show route", "ip route show", "ip", "", false, 1},
		{"show neigh", "ip neigh", "ip", "", false, 1},
		{"show neigh dev", "ip neigh show dev flannel.1", "ip", "", false, 1},
		{"neigh add", "ip neigh add 10.244.1.0 lladdr 8a:3b:6c:11:22:33 dev flannel.1", "ip", "", true, 1},
		{"neigh replace nud", "ip neigh replace 192.168.88.12 lladdr 02:00:00:00:00:12 nud reachable dev veth01", "ip", "", true, 1},
		{"neigh change", "ip neigh change 192.168.88.12 lladdr 02:00:00:00:00:13 dev veth01", "ip", "", true, 1},
		{"neigh del", "ip neigh del 10.244.1.0 dev flannel.1", "ip", "", true, 1},
		{"fdb add overlay", "bridge fdb add 02:42:0a:00:00:03 dev vxlan0 dst 198.51.100.2 self permanent", "bridge", "", true, 1},
		{"fdb append flannel", "bridge fdb append 00:00:00:00:00:00 dev flannel.1 dst 198.51.100.3", "bridge", "", true, 1},
		{"fdb add master static", "bridge fdb add 02:00:00:00:00:44 dev br-veth01 master static", "bridge", "", true, 1},
		{"fdb replace vni port", "bridge fdb replace to 02:00:00:00:00:47 dev vxlan0 dst 198.51.100.4 vni 300 port 4790 self dynamic", "bridge", "", true, 1},
		{"fdb del", "bridge fdb del 02:42:0a:00:00:03 dev vxlan0 dst 198.51.100.2", "bridge", "", true, 1},
		{"fdb del via", "bridge fdb del 00:00:00:00:00:00 dev vxlan0 dst 198.51.100.9 via eth0", "bridge", "", true, 1},
		{"fdb delete master", "bridge fdb delete 02:00:00:00:00:44 dev br-veth01 master", "bridge", "", true, 1},
		{"fdb show", "bridge fdb show", "bridge", "", false, 1},
		{"fdb bare", "bridge fdb", "bridge", "", false, 1},
		{"fdb show dev br", "bridge fdb show br br01 dev vxlan0", "bridge", "", false, 1},
		{"bridge link", "bridge link show dev br-veth01", "bridge", "", false, 1},
		{"bridge link bare", "bridge link", "bridge", "", false, 1},
		{"brctl showmacs", "brctl showmacs br01", "brctl", "", false, 1},
		{"fdb in overlay netns", "ip netns exec 1-722bc7739c bridge fdb add 02:42:0a:00:00:03 dev vxlan0 dst 198.51.100.2 self permanent", "bridge", "1-722bc7739c", true, 1},
		{"neigh flush dev", "ip neigh flush dev eth0", "ip", "", true, 1},
		{"neigh flush all nud", "ip neigh flush all nud permanent", "ip", "", true, 1},
		{"brctl addbr", "sudo brctl addbr br01", "brctl", "", true, 1},
		{"brctl addif", "brctl addif br01 br-veth01", "brctl", "", true, 1},
		{"brctl delif", "brctl delif br01 br-veth01", "brctl", "", true, 1},
		{"brctl delbr", "brctl delbr br01", "brctl", "", true, 1},
		{"brctl show", "brctl show br01", "brctl", "", false, 1},
		{"brctl hairpin", "brctl hairpin docker0 veth7c1728b on", "brctl", "", true, 1},
		{"ifconfig addr up", "ifconfig br01 192.168.88.1/24 up", "ifconfig", "", true, 2},
		{"ifconfig netmask", "ifconfig br01 192.168.88.1 netmask 255.255.255.0", "ifconfig", "", true, 1},
		{"ifconfig down", "ifconfig br01 down", "ifconfig", "", true, 1},
		{"ifconfig show", "ifconfig veth01", "ifconfig", "", false, 1},
		{"sysctl set", "sysctl -w net.ipv4.conf.all.forwarding=1", "sysctl", "", true, 1},
		{"sysctl get", "sysctl net.ipv4.ip_forward", "sysctl", "", false, 1},
		{"echo sysctl", "echo 1 > /proc/sys/net/ipv4/ip_forward", "echo", "", true, 1},
		{"sysctl dotted interface", "sysctl -w net.ipv4.conf.flannel/1.proxy_arp=1", "sysctl", "", true, 1},
		{"sysctl path with a dotted interface", "sysctl -w net/ipv4/conf/flannel.1/proxy_arp=1", "sysctl", "", true, 1},
		{"echo sysctl dotted interface", "echo 1 > /proc/sys/net/ipv4/conf/flannel.1/proxy_arp", "echo", "", true, 1},
		{"sudo echo", "sudo echo 1 >/proc/sys/net/ipv4/ip_forward", "echo", "", true, 1},
		{"echo hosts", `echo "172.17.0.2 bbox1" >> /etc/hosts`, "echo", "", true, 1},
		{"echo hosts aliases", `sudo echo '172.18.0.3  db db.lab' >>/etc/hosts`, "echo", "", true, 1},
		{"iptables append", "iptables -t nat -A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE", "iptables", "", true, 1},
		{"iptables insert", "iptables -I FORWARD 1 -i br01 -o br01 -j DROP", "iptables", "", true, 1},
		{"iptables delete num", "iptables -D FORWARD 1", "iptables", "", true, 1},
		{"iptables replace", "iptables -R FORWARD 1 -s 192.168.88.11 -j ACCEPT", "iptables", "", true, 1},
		{"iptables dnat", "iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 192.168.88.11:80", "iptables", "", true, 1},
		{"iptables comment", `iptables -A FORWARD -j ACCEPT -m comment --comment "allow all"`, "iptables", "", true, 1},
		{"iptables new chain", "iptables -N DOCKER", "iptables", "", true, 1},
		{"iptables flush", "iptables -F", "iptables", "", true, 1},
		{"iptables policy", "iptables -P FORWARD DROP", "iptables", "", true, 1},
		{"iptables list combined", "iptables -t nat -nL --line-number", "iptables", "", false, 1},
		{"iptables list rules", "iptables -S", "iptables", "", false, 1},
		{"ping options after", "ping 192.168.88.12 -c 1", "ping", "", false, 1},
		{"ping attached", "ping -c1 -W 2 192.168.88.12", "ping", "", false, 1},
		{"ping name", "ping -c 1 web", "ping", "", false, 1},
		{"ping name numeric", "ping -n -c1 db.lab", "ping", "", false, 1},
		{"arp", "arp -n", "arp", "", false, 1},
		{"nc listen", "nc -l 80", "nc", "", true, 1},
		{"nc listen keep port flag", "nc -lk -p 8080", "nc", "", true, 1},
		{"nc listen combined port", "nc -lkp 8080", "nc", "", true, 1},
		{"nc listen udp", "ip netns exec ns01 nc -lu 5353", "nc", "ns01", true, 1},
		{"busybox httpd", "busybox httpd -f -p 80", "busybox", "", true, 1},
		{"busybox httpd bind", "busybox httpd -f -v -p 192.168.88.11:8080", "busybox", "", true, 1},
		{"http.server default port", "python3 -m http.server", "python3", "", true, 1},
		{"http.server port bind", "python3 -m http.server 8000 --bind 127.0.0.1", "python3", "", true, 1},
		{"tcpdump", "sudo tcpdump -i br01 -nn", "tcpdump", "", false, 1},
		{"trailing comment", "ip netns add ns01 # first container", "ip", "", true, 1},
		{"link set netns and name", "ip link set veth01 netns ns01 name eth1 master br0", "ip", "", true, 1},
		{"brctl addif two", "brctl addif br01 veth01 veth02", "brctl", "", true, 2},
		{"ifconfig hw mtu", "ifconfig eth0 hw ether 02:00:00:00:00:09 mtu 1400 -promisc", "ifconfig", "", true, 1},
		{"route show dev", "ip -4 route show dev eth0", "ip", "", false, 1},
		{"tcpdump in netns", "ip netns exec ns1 tcpdump -ieth0 -e icmp", "tcpdump", "ns1", false, 1},
		{"curl", "curl http://192.168.88.12/", "curl", "", false, 1},
		{"curl options", "curl -sSv -m 2 --connect-timeout 1.5 http://10.0.0.2:8080/index.html", "curl", "", false, 1},
		{"curl head after", "curl 10.0.0.2/x -I", "curl", "", false, 1},
		{"wget", "wget -qO- http://web/", "wget", "", false, 1},
		{"wget apart", "wget -O - -q -T 3 http://10.0.0.2:81/a", "wget", "", false, 1},
		{"nc", "nc 10.0.0.2 80", "nc", "", false, 1},
		{"nc scan", "nc -zv -w 2 10.0.0.2 22", "nc", "", false, 1},
		{"nc udp in netns", "ip netns exec ns01 nc -u -n -w1 192.168.88.1 53", "nc", "ns01", false, 1},
		{"conntrack list", "conntrack -L", "conntrack", "", false, 1},
		{"conntrack filters", "conntrack -L -p tcp -s 10.0.0.1 -d 192.168.88.0/24 --dport 8080", "conntrack", "", false, 1},
		{"conntrack reply dnat", "ip netns exec ns01 conntrack --dump conntrack -r 172.17.0.2 --dst-nat", "conntrack", "ns01", false, 1},
	}
	var golden strings.Builder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.line)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.line, err)
			}
			if c.Program != tt.program || c.Netns != tt.netns || c.Mutating() != tt.mutating || len(c.Ops) != tt.ops {
				t.Errorf("Parse(%q) = program %q netns %q mutating %v ops %d; want %q %q %v %d",
					tt.line, c.Program, c.Netns, c.Mutating(), len(c.Ops), tt.program, tt.netns, tt.mutating, tt.ops)
			}
			fmt.Fprintf(&golden, "%s\n%s", tt.line, render(c))
		})
	}
	path := filepath.Join("testdata", "parse.golden")
	if *updateParse {
		if err := os.WriteFile(path, []byte(golden.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := golden.String(); got != string(want) {
		t.Errorf("typed operations differ from %s (go test -run TestParseAccepts -update to refresh):\n%s", path, diffLines(string(want), got))
	}
}

func TestParseErrors(t *testing.T) {
	tests := []parseErrorCase{
		{"typo in peer", "ip link add veth01 type veth peer nme br-veth01", 35, "nme", `expected "name"`},
		{"bad octet", "ip addr add 192.168.88.300/24 dev br01", 13, "192.168.88.300/24", "not a valid IP address"},
		{"bad prefix", "ip addr add 192.168.88.1/33 dev br01", 13, "192.168.88.1/33", "invalid prefix length"},
		{"unsupported program", "rm -rf /", 1, "rm", "unsupported command"},
		{"bash", "bash -c 'ip link'", 1, "bash", "unsupported command"},
		{"pipe", "ip link | grep br01", 9, "|", "pipe"},
		{"chain", "ip netns add a; ip netns add b", 15, ";", "chaining"},
		{"and", "ip netns add a && ip netns add b", 16, "&&", "chaining"},
		{"substitution", "ip netns add $(whoami)", 14, "$(", "substitution"},
		{"backtick", "ip netns add `x`", 14, "`", "substitution"},
		{"glob", "ip link del veth*", 17, "*", "globbing"},
		{"redirect", "ip link > out.txt", 9, ">", "redirection"},
		{"echo elsewhere", "echo 1 > /etc/passwd", 10, "/etc/passwd", "not under /proc/sys"},
		{"sysctl outside net", "sysctl -w kernel.panic=1", 11, "kernel.panic", "not a network sysctl"},
		{"missing dev", "ip addr add 192.168.88.1/24", 28, "", `missing "dev NAME"`},
		{"unknown object", "ip lnk show", 4, "lnk", "unknown ip object"},
		{"neigh no dev", "ip neigh add 10.0.0.1 lladdr 02:00:00:00:00:01", 47, "", `missing "dev NAME"`},
		{"neigh no lladdr", "ip neigh add 10.0.0.1 dev eth0", 14, "10.0.0.1", `needs "lladdr MAC"`},
		{"neigh bad mac", "ip neigh add 10.0.0.1 lladdr 02:00 dev eth0", 30, "02:00", "not a valid MAC"},
		{"neigh bad nud", "ip neigh add 10.0.0.1 lladdr 02:00:00:00:00:01 nud forever dev eth0", 52, "forever", "unknown neighbour state"},
		{"fdb no dev", "bridge fdb add 02:00:00:00:00:01 self", 38, "", `missing "dev NAME"`},
		{"fdb no mac", "bridge fdb add dev vxlan0 dst 198.51.100.2", 43, "", "missing the entry's MAC address"},
		{"fdb bad mac", "bridge fdb add 02:00:00 dev vxlan0", 16, "02:00:00", "not a MAC address nor a bridge fdb option"},
		{"fdb two macs", "bridge fdb add 02:00:00:00:00:01 02:00:00:00:00:02 dev vxlan0", 34, "02:00:00:00:00:02", "unknown bridge fdb option"},
		{"fdb bad dst", "bridge fdb add 02:00:00:00:00:01 dev vxlan0 dst 198.51.100.300", 49, "198.51.100.300", "not a valid IPv4 address"},
		{"fdb two states", "bridge fdb add 02:00:00:00:00:01 dev vxlan0 static dynamic", 52, "dynamic", "a second state"},
		{"fdb vni range", "bridge fdb add 02:00:00:00:00:01 dev vxlan0 dst 198.51.100.2 vni 16777216", 66, "16777216", "VNI"},
		{"fdb verb", "bridge fdb flush dev vxlan0", 12, "flush", "unknown bridge fdb command"},
		{"fdb show option", "bridge fdb show vlan 1", 17, "vlan", "unknown bridge fdb show option"},
		{"bridge object", "bridge vlan show", 8, "vlan", "unknown bridge object"},
		{"bridge link set", "bridge link set dev veth01 cost 4", 13, "set", "unknown bridge link show option"},
		{"brctl showmacs no bridge", "brctl showmacs", 15, "", "missing a bridge name"},
		{"neigh flush bare", "ip neigh flush", 10, "flush", "needs arguments"},
		{"neigh flush nud only", "ip neigh flush nud stale", 10, "flush", `needs "dev NAME" or "all"`},
		{"neigh flush bad", "ip neigh flush dev eth0 to 10.0.0.0/8", 25, "to", "unknown ip neigh flush option"},
		{"neigh del lladdr", "ip neigh del 10.0.0.1 lladdr 02:00:00:00:00:01 dev eth0", 23, "lladdr", "unknown ip neigh del option"},
		{"unknown link type", "ip link add x type dummy", 20, "dummy", "unsupported link type"},
		{"bad table", "iptables -t nta -L", 13, "nta", "unknown iptables table"},
		{"bad policy", "iptables -P FORWARD REJECT", 21, "REJECT", "ACCEPT or DROP"},
		{"no iptables command", "iptables -t nat", 16, "", "missing an iptables command"},
		{"ping bad name", "ping web_1", 6, "web_1", "not an IPv4 address or a host name"},
		{"ping bad address", "ping 192.168.88.300", 6, "192.168.88.300", "not an IPv4 address or a host name"},
		{"brctl hairpin value", "brctl hairpin br0 v1 yes", 22, "yes", "expected on or off"},
		{"brctl hairpin missing", "brctl hairpin br0", 18, "", "missing a port of br0"},
		{"nc listen no port", "nc -l", 6, "", "missing the port"},
		{"nc listen bad option", "nc -l -e /bin/sh 80", 7, "-e", "unsupported nc option -e"},
		{"nc listen two ports", "nc -l 80 81", 10, "81", "takes one port"},
		{"nc listen port range", "nc -l 70000", 7, "70000", "not a valid port"},
		{"nc listen udp keep", "nc -lku 53", 11, "", "-k cannot be used with -u"},
		{"busybox applet", "busybox sh -c id", 9, "sh", "unsupported busybox applet"},
		{"busybox httpd home", "busybox httpd -f -h / -p 80", 18, "-h", "unsupported busybox httpd option"},
		{"busybox httpd no port", "busybox httpd -f", 17, "", "missing -p PORT"},
		{"python script", "python3 -c 'print(1)'", 9, "-c", "unsupported python3 use"},
		{"python module", "python3 -m pip install x", 12, "pip", "unsupported python3 module"},
		{"http.server directory", "python3 -m http.server -d /etc 80", 24, "-d", "unsupported http.server option"},
		{"http.server port 0", "python3 -m http.server 0", 24, "0", "port 0"},
		{"ping zero", "ping -c 0 192.0.2.1", 9, "0", "at least 1"},
		{"macvlan mode", "ip link add link eth0 name m type macvlan mode fast", 48, "fast", "unknown macvlan mode"},
		{"vxlan no id", "ip link add vx type vxlan dstport 4789", 21, "vxlan", `needs "id N"`},
		{"vxlan ttl range", "ip link add vx type vxlan id 1 ttl 256", 36, "256", "TTL"},
		{"vxlan ttl word", "ip link add vx type vxlan id 1 ttl never", 36, "never", "TTL"},
		{"vxlan srcport order", "ip link add vx type vxlan id 1 srcport 2000 1000", 45, "1000", "invalid source port range"},
		{"vxlan srcport one", "ip link add vx type vxlan id 1 srcport 2000", 44, "", "highest UDP source port"},
		{"vxlan unknown flag", "ip link add vx type vxlan id 1 nofoo", 32, "nofoo", "unknown vxlan option"},
		{"vlan no parent", "ip link add eth0.10 type vlan id 10", 26, "vlan", "needs its parent"},
		{"vlan no id", "ip link add link eth0 name eth0.10 type vlan", 45, "", "the VLAN id"},
		{"vlan id range", "ip link add link eth0 name eth0.10 type vlan id 4095", 49, "4095", "VLAN id"},
		{"details of addr", "ip -d addr show", 7, "addr", "only for"},
		{"sysctl dotted escape", "sysctl -w net.ipv4.conf.//.proxy_arp=1", 11, "net.ipv4.conf.//.proxy_arp", "not a valid sysctl key"},
		{"sysctl path escape", "sysctl -w net/ipv4/conf/../../../kernel/x=1", 11, "net/ipv4/conf/../../../kernel/x", "not a valid sysctl key"},
		{"link set unknown", "ip link set br01 upp", 18, "upp", "unknown ip link set option"},
		{"nested exec", "ip netns exec a ip netns exec b ip link", 26, "exec", "cannot be nested"},
		{"long ifname", "ip link add abcdefghijklmnopq type bridge", 13, "abcdefghijklmnopq", "not a valid interface name"},
		{"empty", "   ", 4, "", "empty command"},
		{"veth same name", "ip link add eth0 type veth peer name eth0", 38, "eth0", "different from"},
		{"iptables modprobe", "iptables -A FORWARD -M /tmp/x -j ACCEPT", 21, "-M", "run a program"},
		{"iptables modprobe long", "iptables -A FORWARD --modprobe=/tmp/x -j ACCEPT", 21, "--modprobe=/tmp/x", "run a program"},
		{"iptables physdev", "iptables -A FORWARD -m physdev --physdev-in veth01 -j DROP", 24, "physdev", "br_netfilter"},
		{"host bits", "ip route add 10.1.2.3/16 dev x", 14, "10.1.2.3/16", "host bits set"},
	}
	checkParseErrors(t, tests)
}

// parseErrorCase is a line Parse refuses: the column and word the error
// points at, and words its message contains.
type parseErrorCase struct {
	name, line string
	col        int
	word       string
	msg        string
}

// checkParseErrors checks that Parse refuses each line with a *ParseError
// pointing where the case says.
func checkParseErrors(t *testing.T, tests []parseErrorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.line)
			pe, ok := err.(*ParseError)
			if !ok {
				t.Fatalf("Parse(%q) error = %v (%T), want *ParseError", tt.line, err, err)
			}
			if pe.Col != tt.col || pe.Word != tt.word || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("Parse(%q) = col %d word %q msg %q; want col %d word %q msg containing %q",
					tt.line, pe.Col, pe.Word, pe.Msg, tt.col, tt.word, tt.msg)
			}
		})
	}
}

func TestIptablesAbbreviations(t *testing.T) {
	c := mustParse(t, "iptables --table nat --list --numeric --line-number")
	a := c.Ops[0].(*IptablesRule)
	if a.Table != "nat" || a.Verb != "-L" || !a.Numeric || !a.LineNumbers {
		t.Errorf("got %+v", a)
	}
	c = mustParse(t, "iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-dest 192.168.88.11:80")
	got := strings.Join(c.Ops[0].(*IptablesRule).Rule, " ")
	if want := "-p tcp --dport 8080 -j DNAT --to-destination 192.168.88.11:80"; got != want {
		t.Errorf("rule = %q, want %q", got, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"ip link add veth01 type veth peer name br-veth01", "iptables -t nat -nL --line-number",
		"echo 1 > /proc/sys/net/ipv4/ip_forward", "ping 192.168.88.12 -c 1", `echo "172.17.0.2 bbox1" >> /etc/hosts`, "ping -c 1 web", `iptables -A X -m comment --comment "a b"`,
		"ifconfig br01 192.168.88.1 netmask 255.255.255.0 up", "ip netns exec ns01 ip -br a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c, err := Parse(line)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("non-ParseError %T: %v", err, err)
			}
			return
		}
		if len(c.Ops) == 0 {
			t.Fatalf("%q parsed to no action", line)
		}
		// What netlab hands to iptables is a fixed point: it parses back
		// to itself, so no lab spelling survives the re-rendering.
		if a, ok := c.Ops[0].(*IptablesRule); ok {
			line2, ok := quoteWords(a.Argv())
			if !ok {
				return
			}
			c2, err := Parse("iptables " + line2)
			if err != nil {
				t.Fatalf("re-rendered %q of %q does not parse: %v", line2, line, err)
			}
			if got, want := strings.Join(c2.Ops[0].(*IptablesRule).Argv(), "\x00"), strings.Join(a.Argv(), "\x00"); got != want {
				t.Fatalf("re-rendered %q of %q renders again as %q", want, line, got)
			}
		}
	})
}

// quoteWords joins words into a line netlab's tokenizer splits back into
// them; ok is false when a word holds both kinds of quote.
func quoteWords(words []string) (string, bool) {
	var out []string
	for _, w := range words {
		switch {
		case !strings.ContainsAny(w, "'"):
			out = append(out, "'"+w+"'")
		case !strings.ContainsAny(w, `"`):
			out = append(out, `"`+w+`"`)
		default:
			return "", false
		}
	}
	return strings.Join(out, " "), true
}
