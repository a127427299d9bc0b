package cmdline

import (
	"reflect"
	"testing"
	"time"
)

// TestParseClients reads each client form into the fields the engine
// runs.
func TestParseClients(t *testing.T) {
	tests := []struct {
		line string
		want Op
	}{
		{"curl http://10.0.0.2/", &HTTPGet{Tool: "curl", Host: "10.0.0.2", Port: 80, Path: "/", HostCol: 13}},
		{"curl -s http://web:8080/a/b", &HTTPGet{Tool: "curl", Host: "web", Port: 8080, Path: "/a/b", Silent: true, HostCol: 16}},
		{"curl 10.0.0.2:81 -sS", &HTTPGet{Tool: "curl", Host: "10.0.0.2", Port: 81, Path: "/", Silent: true, ShowErrors: true, HostCol: 6}},
		{"curl -vI -m1 HTTP://10.0.0.2/", &HTTPGet{Tool: "curl", Host: "10.0.0.2", Port: 80, Path: "/", Verbose: true, Head: true, MaxTime: time.Second, HostCol: 21}},
		{"curl --max-time 2.5 --connect-timeout 0.5 --silent --show-error --verbose --head 10.0.0.2",
			&HTTPGet{Tool: "curl", Host: "10.0.0.2", Port: 80, Path: "/", Silent: true, ShowErrors: true, Verbose: true, Head: true,
				MaxTime: 2500 * time.Millisecond, ConnectTimeout: 500 * time.Millisecond, HostCol: 82}},
		{"curl -m 3 -s http://10.0.0.2/", &HTTPGet{Tool: "curl", Host: "10.0.0.2", Port: 80, Path: "/", Silent: true, MaxTime: 3 * time.Second, HostCol: 21}},
		{"wget -qO- http://10.0.0.2/", &HTTPGet{Tool: "wget", Host: "10.0.0.2", Port: 80, Path: "/", Silent: true, HostCol: 18}},
		{"wget -q -O - 10.0.0.2", &HTTPGet{Tool: "wget", Host: "10.0.0.2", Port: 80, Path: "/", Silent: true, HostCol: 14}},
		{"wget -O- -q http://10.0.0.2/", &HTTPGet{Tool: "wget", Host: "10.0.0.2", Port: 80, Path: "/", Silent: true, HostCol: 20}},
		{"wget -qO - -T 2 http://10.0.0.2/", &HTTPGet{Tool: "wget", Host: "10.0.0.2", Port: 80, Path: "/", Silent: true, ConnectTimeout: 2 * time.Second, HostCol: 24}},
		{"wget --quiet --output-document=- --timeout=1 http://10.0.0.2/", &HTTPGet{Tool: "wget", Host: "10.0.0.2", Port: 80, Path: "/", Silent: true, ConnectTimeout: time.Second, HostCol: 53}},
		{"nc 10.0.0.2 80", &NcConnect{Host: "10.0.0.2", Port: 80, HostCol: 4}},
		{"nc -zv 10.0.0.2 22", &NcConnect{Host: "10.0.0.2", Port: 22, Zero: true, Verbose: true, HostCol: 8}},
		{"nc -vz -w 3 web 22", &NcConnect{Host: "web", Port: 22, Zero: true, Verbose: true, Wait: 3 * time.Second, HostCol: 13}},
		{"nc -uv -n -w1 10.0.0.2 53", &NcConnect{Host: "10.0.0.2", Port: 53, UDP: true, Verbose: true, Numeric: true, Wait: time.Second, HostCol: 15}},
		{"nc 10.0.0.2 7 -N -u", &NcConnect{Host: "10.0.0.2", Port: 7, UDP: true, HostCol: 4}},
	}
	for _, tt := range tests {
		c, err := Parse(tt.line)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.line, err)
			continue
		}
		if len(c.Ops) != 1 || !reflect.DeepEqual(c.Ops[0], tt.want) {
			t.Errorf("Parse(%q) = %#v, want %#v", tt.line, c.Ops, tt.want)
		}
		if c.Mutating() {
			t.Errorf("Parse(%q) is mutating; a client changes no state", tt.line)
		}
	}
}

// TestParseClientErrors points at the offending word of each misuse.
func TestParseClientErrors(t *testing.T) {
	checkParseErrors(t, []parseErrorCase{
		{"curl no url", "curl -s", 8, "", "missing a URL"},
		{"curl https", "curl https://10.0.0.2/", 6, "https://10.0.0.2/", "plain HTTP only"},
		{"curl ftp", "curl ftp://10.0.0.2/", 6, "ftp://10.0.0.2/", `unsupported scheme "ftp"`},
		{"curl bad port", "curl http://10.0.0.2:99999/", 22, "99999", "not a valid port"},
		{"curl port 0", "curl 10.0.0.2:0", 15, "0", "port 0"},
		{"curl empty host", "curl http:///x", 13, "", "missing the host"},
		{"curl bad host", "curl http://a_b/", 13, "a_b", "not a host name"},
		{"curl ipv6", "curl http://::1/", 13, ":", "not a host name"},
		{"curl two urls", "curl 10.0.0.2 10.0.0.3", 15, "10.0.0.3", "one URL"},
		{"curl unknown short", "curl -sL 10.0.0.2", 6, "-sL", "unsupported curl option -L"},
		{"curl unknown long", "curl --insecure 10.0.0.2", 6, "--insecure", "unsupported curl option"},
		{"curl -o", "curl -o /dev/null 10.0.0.2", 6, "-o", "unsupported curl option -o"},
		{"curl bad -m", "curl -m x 10.0.0.2", 9, "x", "not a valid number of seconds"},
		{"curl -m zero", "curl -m0 10.0.0.2", 8, "0", "not a valid number of seconds"},
		{"curl -m nan", "curl -m NaN 10.0.0.2", 9, "NaN", "not a valid number of seconds"},
		{"curl -m too long", "curl --max-time 601 10.0.0.2", 17, "601", "at most 600"},
		{"curl -m missing", "curl 10.0.0.2 -m", 17, "", "missing a number of seconds after -m"},
		{"curl connect-timeout missing", "curl 10.0.0.2 --connect-timeout", 32, "", "missing a number of seconds after --connect-timeout"},
		{"wget no -q", "wget -O- http://10.0.0.2/", 26, "", "wget -qO- URL"},
		{"wget no -O", "wget -q http://10.0.0.2/", 25, "", "add -q and -O-"},
		{"wget to file", "wget -qO index.html http://10.0.0.2/", 10, "index.html", "standard output only"},
		{"wget to file attached", "wget -qOout http://10.0.0.2/", 9, "out", "standard output only"},
		{"wget unknown", "wget -qO- -c http://10.0.0.2/", 11, "-c", "unsupported wget option -c"},
		{"wget unknown long", "wget --spider 10.0.0.2", 6, "--spider", "unsupported wget option"},
		{"wget bad -T", "wget -qO- -T soon 10.0.0.2", 14, "soon", "not a valid number of seconds"},
		{"wget no url", "wget -qO-", 10, "", "missing a URL"},
		{"wget https", "wget -qO- https://10.0.0.2/", 11, "https://10.0.0.2/", "plain HTTP only"},
		{"nc no host", "nc -v", 6, "", "missing the host"},
		{"nc no port", "nc 10.0.0.2", 12, "", "missing the port"},
		{"nc bad port", "nc 10.0.0.2 http", 13, "http", "not a valid port"},
		{"nc port range", "nc -z 10.0.0.2 20-25", 16, "20-25", "not a valid port"},
		{"nc port 0", "nc 10.0.0.2 0", 13, "0", "port 0"},
		{"nc bad host", "nc a/b 80", 4, "a/b", "not a host name"},
		{"nc three args", "nc 10.0.0.2 80 81", 16, "81", "one HOST PORT"},
		{"nc unknown", "nc -e /bin/sh 10.0.0.2 80", 4, "-e", "unsupported nc option -e"},
		{"nc -k", "nc -k 10.0.0.2 80", 4, "-k", "-k needs -l"},
		{"nc -w fraction", "nc -w 0.5 10.0.0.2 80", 7, "0.5", "whole number of seconds"},
		{"nc -w missing", "nc 10.0.0.2 80 -w", 18, "", "missing a number of seconds after -w"},
	})
}
