package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netlab/netlab/engine/ns"
)

// clientLab is pairLab with servers on the peer (192.0.2.2): a Go HTTP
// server on port 80, a TCP greeter on 7 (sends a line, echoes, closes at
// the client's end), a UDP socket on 53; and, on the host, a route to
// 203.0.113.0/24 via the peer, which does not forward: what goes there
// is dropped inside the lab, for timeouts.
func clientLab(t *testing.T) *Session {
	t.Helper()
	s := pairLab(t)
	if _, err := applyNext(s, step(t, "black hole", "ip route add 203.0.113.0/24 via 192.0.2.2")); err != nil {
		t.Fatal(err)
	}
	path, err := s.NodePath("peer")
	if err != nil {
		t.Fatal(err)
	}
	var web, greet net.Listener
	var udp net.PacketConn
	err = ns.WithNetNSPath(path, func(ns.NetNS) error {
		var err error
		if web, err = net.Listen("tcp4", "192.0.2.2:80"); err != nil {
			return err
		}
		if greet, err = net.Listen("tcp4", "192.0.2.2:7"); err != nil {
			return err
		}
		udp, err = net.ListenPacket("udp4", "192.0.2.2:53")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			http.NotFound(w, r)
			return
		case "/close":
			w.Header().Set("Connection", "close")
		case "/headers":
			fmt.Fprintf(w, "%s %s %s\n", r.Method, r.Header.Get("User-Agent"), r.Header.Get("Accept"))
			return
		}
		fmt.Fprintf(w, "hello from peer: %s %s\n", r.Method, r.URL.Path)
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(web)
	go func() {
		for {
			c, err := greet.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.WriteString(c, "greetings\n")
				io.Copy(c, c)
			}()
		}
	}()
	t.Cleanup(func() { srv.Close(); greet.Close(); udp.Close() })
	return s
}

// realClient runs the real tool in a node's namespace: its standard
// output, standard error and exit status.
func realClient(t *testing.T, s *Session, node string, args ...string) (string, string, int) {
	t.Helper()
	path, err := s.NodePath(node)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	c := exec.Command("nsenter", append([]string{"--net=" + path}, args...)...)
	c.Stdout, c.Stderr = &out, &errb
	err = c.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("%v: %v", args, err)
	}
	return out.String(), errb.String(), c.ProcessState.ExitCode()
}

var (
	msFigure  = regexp.MustCompile(`after \d+ (ms|milliseconds)`)
	dateLine  = regexp.MustCompile(`(?m)^(< )?Date: .*\n`)
	dataNotes = regexp.MustCompile(`(?m)^[{}] \[\d+ bytes data\]\n`)
)

// terminal is what a person sees of a real curl run on a terminal: its
// verbose lines and body interleaved (the body before the last line,
// which tells what became of the connection), lines ending in "\n",
// without the Date header, the data notes curl prints only when its
// output is not a terminal, and elapsed times.
func terminal(stdout, stderr string) string {
	stderr = dataNotes.ReplaceAllString(stderr, "")
	if i := strings.LastIndex(stderr, "* Connection #0"); i >= 0 {
		stderr = stderr[:i] + stdout + stderr[i:]
	} else if i := strings.LastIndex(stderr, "* Closing connection 0"); i >= 0 && stdout != "" {
		stderr = stderr[:i] + stdout + stderr[i:]
	} else {
		stderr = stdout + stderr
	}
	return normal(stderr)
}

func normal(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = dateLine.ReplaceAllString(s, "")
	return msFigure.ReplaceAllString(s, "after N $1")
}

// netlab's curl and wget print what the real ones print on the same
// server, in the same namespace, and exit with their status.
func TestHTTPClientsMatchRealTools(t *testing.T) {
	s := clientLab(t)
	for _, line := range []string{
		"curl http://192.0.2.2/",
		"curl 192.0.2.2/a/b",
		"curl -s http://192.0.2.2:80/missing",
		"curl http://192.0.2.2/headers",
		"curl -sI http://192.0.2.2/",
		"curl -v http://192.0.2.2/",
		"curl -v http://192.0.2.2/close",
		"curl -sv http://192.0.2.2/missing",
		"curl http://192.0.2.2:81/",
		"curl -s http://192.0.2.2:81/",
		"curl -sS http://192.0.2.2:81/",
		"curl -v http://192.0.2.2:81/",
		"curl http://192.0.2.2:7/",
		"curl --connect-timeout 1 http://203.0.113.5/",
		"curl -v --connect-timeout 1 http://203.0.113.5/",
		"curl -m 1 http://203.0.113.5/",
		"curl -v -m 1 -s http://203.0.113.5/",
		"curl -m 2 --connect-timeout 1 http://203.0.113.5/",
		"wget -qO- http://192.0.2.2/",
		"wget -qO- http://192.0.2.2/headers",
		"wget -qO- http://192.0.2.2/missing",
		"wget -qO- http://192.0.2.2:81/",
		"wget -qO- -T 1 http://203.0.113.5/",
	} {
		t.Run(line, func(t *testing.T) {
			res := s.Run("host", mustParse(t, line))
			if res.Err != nil {
				t.Fatalf("netlab: %v", res.Err)
			}
			args := strings.Fields(line)
			switch args[0] {
			case "curl":
				args = append([]string{"curl", "--no-progress-meter"}, args[1:]...)
			case "wget":
				args = append([]string{"wget", "-t", "1"}, args[1:]...) // one try, as netlab's
			}
			stdout, stderr, code := realClient(t, s, "host", args...)
			want := terminal(stdout, stderr)
			if args[0] == "curl" && strings.Contains(line, "I") && !strings.Contains(line, "v") {
				want = normal(stdout + stderr)
			}
			if got := normal(res.Output); got != want || res.ExitCode != code {
				t.Errorf("netlab (exit %d):\n%s\nreal (exit %d):\n%s", res.ExitCode, got, code, want)
			}
		})
	}
}

// A name the node's names table lacks does not resolve: each tool says
// so in its words and exits with its status (names_test.go has names that do).
func TestClientsNameDoesNotResolve(t *testing.T) {
	s := clientLab(t)
	for _, tt := range []struct {
		line, out string
		code      int
	}{
		{"curl http://web/", "curl: (6) Could not resolve host: web\n", 6},
		{"curl -s http://web/", "", 6},
		{"curl -v http://web/", "* Could not resolve host: web\n* Closing connection 0\ncurl: (6) Could not resolve host: web\n", 6},
		{"wget -qO- http://web/", "", 4},
		{"nc web 80", "nc: getaddrinfo for host \"web\" port 80: Name or service not known\n", 1},
	} {
		res := s.Run("host", mustParse(t, tt.line))
		if res.Output != tt.out || res.ExitCode != tt.code || res.Err != nil {
			t.Errorf("%s: exit %d, err %v:\n%q\nwant exit %d:\n%q", tt.line, res.ExitCode, res.Err, res.Output, tt.code, tt.out)
		}
	}
}

// netlab's nc prints what OpenBSD netcat (Debian's netcat-openbsd 1.219,
// not installed here) prints: its source gives the words.
func TestNcClient(t *testing.T) {
	s := clientLab(t)
	for _, tt := range []struct {
		line, out string
		code      int
	}{
		{"nc 192.0.2.2 7", "greetings\n", 0},
		{"nc -v 192.0.2.2 7", "Connection to 192.0.2.2 7 port [tcp/*] succeeded!\ngreetings\n", 0},
		{"nc -zv 192.0.2.2 80", "Connection to 192.0.2.2 80 port [tcp/http] succeeded!\n", 0},
		{"nc -nvz 192.0.2.2 80", "Connection to 192.0.2.2 80 port [tcp/*] succeeded!\n", 0},
		{"nc -z 192.0.2.2 80", "", 0},
		{"nc -z 192.0.2.2 81", "", 1},
		{"nc -v 192.0.2.2 81", "nc: connect to 192.0.2.2 port 81 (tcp) failed: Connection refused\n", 1},
		{"nc -vz -w 1 203.0.113.5 80", "nc: connect to 203.0.113.5 port 80 (tcp) timed out: Operation now in progress\n", 1},
		{"nc -v 198.51.100.1 80", "nc: connect to 198.51.100.1 port 80 (tcp) failed: Network is unreachable\n", 1},
		{"nc -uzv -w 1 192.0.2.2 53", "Connection to 192.0.2.2 53 port [udp/domain] succeeded!\n", 0},
		{"nc -uzv -w 1 192.0.2.2 54", "", 1},
		{"nc -uz 192.0.2.2 54", "", 0},
	} {
		start := time.Now()
		res := s.Run("host", mustParse(t, tt.line))
		if res.Output != tt.out || res.ExitCode != tt.code || res.Err != nil {
			t.Errorf("%s: exit %d, err %v:\n%q\nwant exit %d:\n%q", tt.line, res.ExitCode, res.Err, res.Output, tt.code, tt.out)
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("%s took %v", tt.line, d)
		}
	}
}

// nc's service names are those of /etc/services.
func TestNcServicesAsEtcServices(t *testing.T) {
	b, err := os.ReadFile("/etc/services")
	if err != nil {
		t.Skip("no /etc/services here")
	}
	for proto, ports := range services {
		for port, name := range ports {
			re := regexp.MustCompile(fmt.Sprintf(`(?m)^%s\s+%d/%s\b`, regexp.QuoteMeta(name), port, proto))
			if !re.Match(b) {
				t.Errorf("%d/%s is not %q in /etc/services", port, proto, name)
			}
		}
	}
}

// Cancelling the session's context ends a fetch that waits for a
// connection at once, as Ctrl-C ends curl.
func TestCurlCancelled(t *testing.T) {
	s := clientLab(t)
	ctx, cancel := context.WithCancel(context.Background())
	s.SetContext(ctx)
	defer s.SetContext(nil)
	time.AfterFunc(500*time.Millisecond, cancel)
	start := time.Now()
	res := s.Run("host", mustParse(t, "curl --connect-timeout 60 http://203.0.113.5/"))
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("curl took %v to stop after being cancelled at 0.5 s", d)
	}
	if res.ExitCode != 130 {
		t.Errorf("exit %d, want 130 (interrupted): %q", res.ExitCode, res.Output)
	}
}
