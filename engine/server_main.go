package engine

// This file is the server process itself: what a lab's "nc -l",
// "busybox httpd" or "python3 -m http.server" becomes. netlab starts it by
// running its own binary again under the name serverArg0 (see
// startServer); init below recognises that name before anything else
// runs, in the netlab binary and in test binaries alike, and serves on
// the socket it was handed. It opens no socket of its own: the listening
// socket was made in the lab node's namespace by the parent and arrives
// as file descriptor 3; descriptor 4 receives the process id, for reset;
// standard output and error are the server's log in the run directory.

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/netlab/netlab/engine/cmdline"
)

// serverArg0 is argv[0] of a server process: how init knows it is one, and
// what ps shows for it.
const serverArg0 = "netlab-serve"

func init() {
	if len(os.Args) == 8 && os.Args[0] == serverArg0 {
		os.Exit(serverMain(os.Args[1:]))
	}
}

// serverMain serves: args are kind, proto, bind address, port, keep
// ("keep" or "once"), node and id, as startServer renders them.
func serverMain(args []string) int {
	kind, proto, node := args[0], args[1], args[5]
	keep := args[4] == "keep"
	signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
	if pf := os.NewFile(4, "pid"); pf != nil {
		// At offset 0, as the parent writes the same once it knows it.
		pf.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		pf.Close()
	}
	f := os.NewFile(3, "listener")
	if f == nil {
		return 2
	}
	if proto == "udp" {
		pc, err := net.FilePacketConn(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		f.Close()
		buf := make([]byte, 65536)
		for {
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				return 1
			}
			os.Stdout.Write(buf[:n])
		}
	}
	l, err := net.FileListener(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	f.Close()
	if kind == cmdline.ServeNc {
		for {
			c, err := l.Accept()
			if err != nil {
				return 1
			}
			io.Copy(os.Stdout, c) // what the client sent, as nc -l prints it
			c.Close()
			if !keep {
				return 0
			}
		}
	}
	srv := &http.Server{Handler: pageHandler(kind, node, l.Addr().String()), ReadHeaderTimeout: 10 * time.Second}
	srv.Serve(l)
	return 1
}

// pageHandler answers every request with a short page naming the node,
// the address the server listens on and the client's address and port as
// the server saw them, so a student reads NAT's effect in the reply. It
// logs each request the way busybox httpd -v or http.server does.
func pageHandler(kind, node, listen string) http.Handler {
	server := map[string]string{cmdline.ServeHttpd: "busybox httpd (netlab)", cmdline.ServePython: "SimpleHTTP/0.6 (netlab)"}[kind]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, port, _ := net.SplitHostPort(r.RemoteAddr)
		local := listen
		if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			local = a.String()
		}
		body := fmt.Sprintf("Hello from %s: %s on %s\nYour request came from %s port %s: %s %s\n", node, kind, local, host, port, r.Method, r.URL.RequestURI())
		w.Header().Set("Server", server)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			io.WriteString(w, body)
		}
		bw := bufio.NewWriter(os.Stdout)
		fmt.Fprintf(bw, "%s - - [%s] \"%s %s %s\" 200 -\n", host, time.Now().Format("02/Jan/2006 15:04:05"), r.Method, r.URL.RequestURI(), r.Proto)
		bw.Flush()
	})
}
