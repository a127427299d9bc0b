package cmdline

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update-iptables", false, "rewrite testdata/iptables_argv.golden")

// iptablesAccepted are iptables lines netlab accepts; their re-rendered
// argument lists are in testdata/iptables_argv.golden.
var iptablesAccepted = []struct{ name, line string }{
	{"seed masquerade", "iptables -t nat -A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE"},
	{"seed list", "sudo iptables -t nat -nL --line-number"},
	{"list rules", "iptables -S"},
	{"list rules chain", "iptables -t nat -S POSTROUTING"},
	{"combined nvL", "iptables -nvL"},
	{"combined vnL line numbers", "iptables -vnL --line-numbers"},
	{"counters chain exact", "iptables -v -n -L FORWARD --line-numbers -x"},
	{"list chain after flags", "iptables -t nat -v -n -L DOCKER"},
	{"zero chain", "iptables -t nat -Z DOCKER"},
	{"zero all", "iptables -Z"},
	{"new chain", "iptables -N DOCKER"},
	{"new chain nat", "iptables -t nat -N DOCKER"},
	{"delete chain", "iptables -X DOCKER"},
	{"delete all chains", "iptables -X"},
	{"flush", "iptables -F"},
	{"flush chain long", "iptables --flush FORWARD"},
	{"policy", "iptables -P FORWARD DROP"},
	{"insert pos", "iptables -I FORWARD 1 -i br01 -o br01 -j DROP"},
	{"insert no pos", "iptables -I DOCKER-USER -j RETURN"},
	{"delete num", "iptables -D FORWARD 1"},
	{"delete rule", "iptables -t nat -D POSTROUTING -s 192.168.88.0/24 -j MASQUERADE"},
	{"replace", "iptables -R FORWARD 1 -s 192.168.88.11 -j ACCEPT"},
	{"check", "iptables -C FORWARD -s 192.168.88.11 -j ACCEPT"},
	{"jump user chain", "iptables -A FORWARD -j DOCKER"},
	{"goto user chain", "iptables -A FORWARD -g DOCKER"},
	{"docker prerouting", "iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER"},
	{"docker output", "iptables -t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER"},
	{"docker masquerade", "iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE"},
	{"docker hairpin", "iptables -t nat -A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE"},
	{"docker dnat", "iptables -t nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80"},
	{"docker return", "iptables -t nat -A DOCKER -i docker0 -j RETURN"},
	{"docker conntrack", "iptables -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"},
	{"docker accept tcp", "iptables -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT"},
	{"icc false", "iptables -A FORWARD -i docker0 -o docker0 -j DROP"},
	{"link pair", "iptables -I FORWARD -i docker0 -o docker0 -s 172.17.0.3 -d 172.17.0.2 -p tcp --sport 80 -j ACCEPT"},
	{"dnat abbreviated", "iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-dest 192.168.88.11:80"},
	{"long forms", "iptables --table nat --append POSTROUTING --source 192.168.88.0/24 --out-interface eth0 --jump MASQUERADE"},
	{"long abbreviations", "iptables --tab nat --app POSTROUTING --src 192.168.88.0/24 --out eth0 --ju MASQUERADE"},
	{"equals forms", "iptables --table=nat --append=POSTROUTING --source=192.168.88.0/24 --jump=MASQUERADE"},
	{"attached short values", "iptables -tnat -APOSTROUTING -s192.168.88.0/24 -jMASQUERADE"},
	{"attached match", "iptables -A INPUT -mcomment --comment x -j ACCEPT"},
	{"match equals", "iptables -A INPUT --match=state --state NEW -j ACCEPT"},
	{"destination-port alias", "iptables -A INPUT -p tcp --destination-port 22:23 -j ACCEPT"},
	{"tcp flags", "iptables -A INPUT -p tcp --tcp-flags SYN,ACK SYN -j DROP"},
	{"syn negated", "iptables -A INPUT -p tcp ! --syn -j ACCEPT"},
	{"icmp type", "iptables -A INPUT -p icmp --icmp-type echo-request -j ACCEPT"},
	{"icmp type number", "iptables -A INPUT -p icmp --icmp-type 3/3 -j ACCEPT"},
	{"multiport", "iptables -A INPUT -p tcp -m multiport --dports 80,443,8000:8080 -j ACCEPT"},
	{"multiport negated", "iptables -A INPUT -p udp -m multiport ! --sports 53 -j DROP"},
	{"conntrack origdst", "iptables -A FORWARD -m conntrack --ctstate DNAT --ctorigdst 192.168.88.1 --ctorigdstport 8080 -j ACCEPT"},
	{"state", "iptables -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT"},
	{"addrtype negated", "iptables -t nat -A OUTPUT -m addrtype ! --src-type LOCAL -j RETURN"},
	{"comment quoted", `iptables -A FORWARD -j ACCEPT -m comment --comment "allow all"`},
	{"mark", "iptables -t mangle -A PREROUTING -m mark --mark 0x1/0xff -j ACCEPT"},
	{"reject with", "iptables -A FORWARD -s 172.17.0.3 -p tcp -j REJECT --reject-with tcp-reset"},
	{"masquerade ports", "iptables -t nat -A POSTROUTING -p tcp -j MASQUERADE --to-ports 1024-2048 --random"},
	{"snat", "iptables -t nat -A POSTROUTING -o eth0 -j SNAT --to-source 203.0.113.5"},
	{"log", `iptables -A INPUT -j LOG --log-prefix "dropped: " --log-level 4`},
	{"protocol all negated interface wildcard", "iptables -A FORWARD ! -p icmp -i veth+ -j ACCEPT"},
	{"address list", "iptables -A INPUT -s 192.168.88.11,192.168.88.12 -j DROP"},
	{"netmask form", "iptables -A INPUT -s 10.0.0.0/255.255.0.0 -j DROP"},
	{"wait", "iptables -w -A INPUT -j ACCEPT"},
	{"wait seconds", "iptables -w 5 -A INPUT -j ACCEPT"},
	{"fragment", "iptables -A INPUT ! -f -j ACCEPT"},
	{"chain name charset", "iptables -N DOCKER-ISOLATION-STAGE_1.a"},
	{"comment starting with dash", `iptables -A INPUT -m comment --comment "-j ACCEPT" -j DROP`},
}

func TestIptablesArgvGolden(t *testing.T) {
	var b strings.Builder
	for _, tt := range iptablesAccepted {
		c, err := Parse(tt.line)
		if err != nil {
			t.Errorf("%s: Parse(%q): %v", tt.name, tt.line, err)
			continue
		}
		a, ok := c.Ops[0].(*IptablesRule)
		if !ok || len(c.Ops) != 1 {
			t.Errorf("%s: Parse(%q) = %v, want one iptables action", tt.name, tt.line, c.Ops)
			continue
		}
		fmt.Fprintf(&b, "%s\n\t%q\n", tt.line, a.Argv())
	}
	path := filepath.Join("testdata", "iptables_argv.golden")
	if *updateGolden {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("re-rendered argv differ from %s (go test -run TestIptablesArgvGolden -update-iptables to refresh):\n%s", path, diffLines(string(want), got))
	}
}

// diffLines lists the lines that differ, for a readable golden failure.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			out = append(out, fmt.Sprintf("line %d:\n  want %s\n  got  %s", i+1, wl, gl))
		}
	}
	return strings.Join(out, "\n")
}

// TestIptablesRefused covers the bypasses of issue 14 item 1 and every
// other form the allow-list refuses, with the column of the word at fault.
func TestIptablesRefused(t *testing.T) {
	tests := []parseErrorCase{
		// Issue 14's bypasses of the old deny-list.
		{"modprobe attached", "iptables -A FORWARD -M/path/x.sh -j ACCEPT", 21, "-M", "run a program"},
		{"modprobe spaced", "iptables -A FORWARD -M /path/x.sh -j ACCEPT", 21, "-M", "run a program"},
		{"modprobe abbreviated", "iptables -A FORWARD --mo /path/x.sh -j ACCEPT", 21, "--mo", "run a program"},
		{"modprobe abbreviated equals", "iptables -A FORWARD --modp=/path/x.sh -j ACCEPT", 21, "--modp=/path/x.sh", "run a program"},
		{"modprobe full", "iptables --modprobe /path/x.sh -L", 10, "--modprobe", "run a program"},
		{"modprobe in combined flags", "iptables -nM/x -L", 12, "-M", "run a program"},
		{"physdev attached", "iptables -A FORWARD -mphysdev --physdev-in veth01 -j DROP", 23, "physdev", "br_netfilter"},
		{"physdev equals", "iptables -A FORWARD --match=physdev --physdev-in veth01 -j DROP", 29, "physdev", "br_netfilter"},
		{"physdev abbreviated", "iptables -A FORWARD --ma physdev --physdev-in veth01 -j DROP", 26, "physdev", "br_netfilter"},
		{"physdev spaced", "iptables -A FORWARD -m physdev -j DROP", 24, "physdev", "br_netfilter"},
		// Unknown or unlisted.
		{"unknown match", "iptables -A INPUT -m string --string x -j DROP", 22, "string", "unsupported iptables match"},
		{"match option without match", "iptables -A INPUT --dport 80 -j DROP", 19, "--dport", "unknown iptables option"},
		{"target option before target", "iptables -t nat -A PREROUTING --to-destination 1.2.3.4 -j DNAT", 31, "--to-destination", "unknown iptables option"},
		{"unknown long", "iptables -A INPUT --frobnicate -j DROP", 19, "--frobnicate", "unknown iptables option"},
		{"ambiguous long", "iptables --s 1.2.3.4 -A INPUT", 10, "--s", "ambiguous"},
		{"ambiguous li", "iptables --li", 10, "--li", "ambiguous"},
		{"unknown short", "iptables -A INPUT -q -j DROP", 19, "-q", "unknown iptables option"},
		{"unknown in combined", "iptables -nqL", 12, "-q", "unknown iptables option"},
		{"set counters", "iptables -A INPUT -c 1 2 -j ACCEPT", 19, "-c", "refused"},
		{"rename chain", "iptables -E A B", 10, "-E", "renaming"},
		{"ipv6", "iptables -6 -L", 10, "-6", "ip6tables"},
		{"extension target", "iptables -A INPUT -j NFQUEUE", 22, "NFQUEUE", "unsupported iptables target"},
		{"extension target ct", "iptables -t raw -A PREROUTING -j CT --notrack", 34, "CT", "unsupported iptables target"},
		{"target option of other target", "iptables -A INPUT -j ACCEPT --reject-with tcp-reset", 29, "--reject-with", "unknown iptables option"},
		{"masquerade outside nat", "iptables -A FORWARD -j MASQUERADE", 24, "MASQUERADE", "nat table"},
		{"dnat without destination", "iptables -t nat -A PREROUTING -j DNAT", 34, "DNAT", "--to-destination"},
		{"two targets", "iptables -A INPUT -j ACCEPT -j DROP", 29, "-j", "one target"},
		{"goto builtin target", "iptables -A INPUT -g ACCEPT", 22, "ACCEPT", "user chain"},
		{"unknown table", "iptables -t security -L", 13, "security", "unknown iptables table"},
		{"unknown protocol", "iptables -A INPUT -p sctp -j DROP", 22, "sctp", "unsupported protocol"},
		{"option takes no value", "iptables --numeric=1 -L", 10, "--numeric=1", "takes no value"},
		// Negation.
		{"negation not allowed", "iptables -A INPUT ! -j DROP", 19, "!", "cannot be negated"},
		{"double negation", "iptables -A INPUT ! ! -s 1.2.3.4 -j DROP", 21, "!", "only one"},
		{"intrapositioned negation", "iptables -A INPUT -s ! 1.2.3.4 -j DROP", 22, "!", "not a valid IPv4 address"},
		{"negation at end", "iptables -A INPUT -j DROP !", 27, "!", "followed by an option"},
		{"negated comment", "iptables -A INPUT -m comment ! --comment x -j DROP", 30, "!", "cannot be negated"},
		// Values.
		{"bad address", "iptables -A INPUT -s 1.2.3.256 -j DROP", 22, "1.2.3.256", "not a valid IPv4 address"},
		{"hostname", "iptables -A INPUT -s example.org -j DROP", 22, "example.org", "not a valid IPv4 address"},
		{"ipv6 address", "iptables -A INPUT -s 2001:db8::/32 -j DROP", 22, "2001:db8::/32", "IPv4 only"},
		{"bad address in list", "iptables -A INPUT -s 1.2.3.4,1.2.3.x -j DROP", 30, "1.2.3.x", "not a valid IPv4 address"},
		{"bad port", "iptables -A INPUT -p tcp --dport 70000 -j DROP", 34, "70000", "port number"},
		{"backwards range", "iptables -A INPUT -p tcp --dport 90:80 -j DROP", 34, "90:80", "backwards"},
		{"bad state", "iptables -A INPUT -m conntrack --ctstate NEW,BOGUS -j DROP", 46, "BOGUS", "unknown conntrack state"},
		{"bad addrtype", "iptables -A INPUT -m addrtype --dst-type local -j DROP", 42, "local", "unknown address type"},
		{"bad tcp flag", "iptables -A INPUT -p tcp --tcp-flags SYN,XMAS SYN -j DROP", 42, "XMAS", "unknown TCP flag"},
		{"tcp flags missing second", "iptables -A INPUT -p tcp --tcp-flags SYN", 41, "", "missing a value"},
		{"bad icmp type", "iptables -A INPUT -p icmp --icmp-type ping -j DROP", 39, "ping", "not an ICMP type"},
		{"too many multiport", "iptables -A INPUT -p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 -j DROP", 48, "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", "at most 15"},
		{"comment control char", "iptables -A INPUT -m comment --comment \"a\x1b]52;c;eA==\x07\" -j DROP", 40, "a\x1b]52;c;eA==\x07", "control characters"},
		{"bad mark", "iptables -A INPUT -m mark --mark x -j DROP", 34, "x", "not a mark"},
		{"bad reject", "iptables -A INPUT -j REJECT --reject-with icmp-bogus", 43, "icmp-bogus", "unknown reject type"},
		{"bad dnat address", "iptables -t nat -A PREROUTING -j DNAT --to-destination 1.2.3:80", 56, "1.2.3:80", "bad address"},
		{"long log prefix", "iptables -A INPUT -j LOG --log-prefix 0123456789012345678901234567890", 39, "0123456789012345678901234567890", "at most 29"},
		{"bad interface", "iptables -A INPUT -i eth/0 -j DROP", 22, "eth/0", "not a valid interface name"},
		{"interface too long", "iptables -A INPUT -o abcdefghijklmnop -j DROP", 22, "abcdefghijklmnop", "not a valid interface name"},
		{"interface wildcard too long", "iptables -A INPUT -o abcdefghijklmno+ -j DROP", 22, "abcdefghijklmno+", "not a valid interface name"},
		{"interface bell", "iptables -A INPUT -i \"eth\a\" -j DROP", 22, "eth\a", "not a valid interface name"},
		{"bad wait", "iptables -w 99999 -L", 13, "99999", "number of seconds"},
		{"duplicate source", "iptables -A INPUT -s 1.2.3.4 -s 1.2.3.5 -j DROP", 30, "-s", "given twice"},
		{"duplicate protocol", "iptables -A INPUT -p tcp -p udp -j DROP", 26, "-p", "given twice"},
		{"multiport without protocol", "iptables -A INPUT -m multiport --dports 80 -j DROP", 22, "multiport", "needs -p tcp or -p udp"},
		{"tcp match without protocol", "iptables -A INPUT -m tcp --dport 80 -j DROP", 22, "tcp", "needs -p tcp"},
		{"negated protocol loads no match", "iptables -A INPUT ! -p tcp --dport 80 -j DROP", 28, "--dport", "unknown iptables option"},
		{"tcp-reset without tcp", "iptables -A INPUT -j REJECT --reject-with tcp-reset", 22, "REJECT", "needs -p tcp"},
		// Commands, chains and rule numbers.
		{"no command", "iptables -t nat", 16, "", "missing an iptables command"},
		{"two commands", "iptables -A INPUT -j DROP -L", 27, "-L", "one command"},
		{"bad chain word", "iptables -A FOR$WARD -j DROP", 16, "$", "shell variables"},
		{"bad chain chars", "iptables -A FOR@WARD -j DROP", 13, "FOR@WARD", "not a valid chain name"},
		{"chain too long", "iptables -N ABCDEFGHIJKLMNOPQRSTUVWXYZ0123", 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123", "not a valid chain name"},
		{"chain attached bad", "iptables -AFOR@WARD -j DROP", 12, "FOR@WARD", "not a valid chain name"},
		{"user chain target bad", "iptables -A INPUT -j DOCK@ER", 22, "DOCK@ER", "not a valid chain name"},
		{"missing chain", "iptables -A", 12, "", "missing a chain"},
		{"new builtin", "iptables -N INPUT", 13, "INPUT", "built-in"},
		{"wrong table chain", "iptables -t nat -A FORWARD -j ACCEPT", 17, "-A", "has no chain FORWARD"},
		{"rule number zero", "iptables -I INPUT 0 -j DROP", 19, "0", "start at 1"},
		{"rule number bad", "iptables -D INPUT x", 19, "x", "rule number"},
		{"replace without number", "iptables -R INPUT -j DROP", 19, "-j", "rule number"},
		{"delete both", "iptables -D INPUT 1 -j DROP", 21, "-j", "not both"},
		{"append without rule", "iptables -A INPUT", 10, "-A", "needs a rule"},
		{"rule after list", "iptables -L INPUT -s 1.2.3.4", 19, "-s", "takes no rule"},
		{"stray word", "iptables -L INPUT extra", 19, "extra", "unexpected"},
		{"numeric with append", "iptables -n -A INPUT -j DROP", 13, "-A", "go with -L"},
		{"policy on user chain", "iptables -P DOCKER DROP", 13, "DOCKER", "built-in"},
		{"policy bad", "iptables -P FORWARD REJECT", 21, "REJECT", "ACCEPT or DROP"},
	}
	checkParseErrors(t, tests)
}
