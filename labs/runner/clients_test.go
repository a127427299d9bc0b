package runner

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/netlab/netlab/engine/ns"
)

// clientsLab serves busybox httpd on web (10.0.0.2) port 80; port 81 is
// closed and web drops what comes to port 82. Step 2 says, from client,
// what each curl, wget and nc meets; step 3 runs the same commands and
// says the opposite of each. The test adds a server that answers 404 on
// 10.0.0.2:8080 (netlab's own servers answer 200 to everything).
const clientsLab = `
id: clients
title: t
summary: t
nodes: [client, web]
setup:
  - node: client
    commands:
      - ip link add eth0 type veth peer name eth0 netns web
      - ip addr add 10.0.0.1/24 dev eth0
      - ip link set eth0 up
  - node: web
    commands:
      - ip addr add 10.0.0.2/24 dev eth0
      - ip link set eth0 up
      - iptables -A INPUT -p tcp --dport 82 -j DROP
steps:
  - title: serve
    text: t
    node: web
    commands:
      - busybox httpd -f -p 80
  - title: as it is
    text: t
    node: client
    commands: &clients
      - curl -s http://10.0.0.2/
      - wget -qO- http://10.0.0.2/
      - curl -s http://10.0.0.2:81/
      - curl -s --connect-timeout 1 http://10.0.0.2:82/
      - nc -z 10.0.0.2 80
      - nc -z 10.0.0.2 81
      - nc -z -w 1 10.0.0.2 82
      - curl -s http://10.0.0.2:8080/missing
      - wget -qO- http://10.0.0.2:8080/missing
    expect:
      - http: ok
        command: 1
        status: 200
        contains: "Hello from web"
      - http: ok
        command: 2
        contains: "Your request came from 10.0.0.1"
      - http: refused
        command: 3
      - http: timeout
        command: 4
      - tcp: connects
        command: 5
      - tcp: refused
        command: 6
      - tcp: timeout
        command: 7
      - http: error
        command: 8
        status: 404
        contains: "404 page not found"
      - http: error
        command: 9
  - title: the opposite
    text: t
    node: client
    commands: *clients
    expect:
      - http: refused
        command: 1
      - http: ok
        command: 2
        contains: "Hello from nowhere"
      - http: ok
        command: 3
      - http: refused
        command: 4
      - tcp: refused
        command: 5
      - tcp: timeout
        command: 6
      - tcp: connects
        command: 7
      - http: ok
        command: 8
      - http: error
        command: 9
        status: 500
`

// http: and tcp: expectations hold where curl, wget and nc meet what they
// say, against a busybox httpd, a closed port and a dropped one, and each
// fails, saying what the client met, where they say the opposite.
func TestClientExpectations(t *testing.T) {
	begin := time.Now()
	s := start(t, load(t, clientsLab))
	path, err := s.eng.NodePath("web")
	if err != nil {
		t.Fatal(err)
	}
	var l net.Listener
	if err := ns.WithNetNSPath(path, func(ns.NetNS) error {
		var err error
		l, err = net.Listen("tcp4", "10.0.0.2:8080")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.NotFoundHandler()}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })

	for i := 1; i <= 3; i++ {
		rep, err := s.Step()
		if err != nil {
			t.Fatal(err)
		}
		if i < 3 {
			if !rep.OK {
				t.Fatalf("step %d fails:\n%s\n%s", i, rep.Text(true), strings.Join(rep.Failures(), "\n"))
			}
			continue
		}
		if rep.OK {
			t.Fatalf("step 3 passed, saying the opposite of what happened:\n%s", rep.Text(true))
		}
		for i, e := range rep.Expects {
			if e.OK {
				t.Errorf("expectation %d held: %s", i+1, e.What)
			}
		}
		got := rep.Text(false)
		for _, want := range []string{
			`expect FAILED: "curl -s http://10.0.0.2/" to be refused; it got an HTTP answer with status 200; it printed: Hello from web: httpd on 10.0.0.2:80 | Your request came from 10.0.0.1 port `,
			`expect FAILED: "wget -qO- http://10.0.0.2/" to get an HTTP answer containing "Hello from nowhere"; it got an HTTP answer with status 200; it printed: Hello from web`,
			`expect FAILED: "curl -s http://10.0.0.2:81/" to get an HTTP answer; its connection was refused, and it printed nothing`,
			`expect FAILED: "curl -s --connect-timeout 1 http://10.0.0.2:82/" to be refused; its connection timed out, and it printed nothing`,
			`expect FAILED: "nc -z 10.0.0.2 80" to be refused; it connected, and it printed nothing`,
			`expect FAILED: "nc -z 10.0.0.2 81" to time out; its connection was refused, and it printed nothing`,
			`expect FAILED: "nc -z -w 1 10.0.0.2 82" to connect; its connection timed out, and it printed nothing`,
			`expect FAILED: "curl -s http://10.0.0.2:8080/missing" to get an HTTP answer; it got an HTTP answer with status 404; it printed: 404 page not found`,
			`expect FAILED: "wget -qO- http://10.0.0.2:8080/missing" to get an HTTP answer with status 500; it got an HTTP answer with status 404, and it printed nothing`,
			// No longer expected to fail, the refused and timed-out clients fail the step themselves.
			`command 3 failed, and the step does not expect it: exit status 7`,
			`command 7 failed, and the step does not expect it: exit status 1`,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("no %q in\n%s", want, got)
			}
		}
	}
	if d := time.Since(begin); d > 10*time.Second {
		t.Errorf("the test took %v, more than 10 s", d)
	}
}
