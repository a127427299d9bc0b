package engine

// This file keeps the servers a lab started: their records in the state,
// how one is started in a node (startServer) and stopped (stopServer),
// and which of them are alive and listening (liveServers).

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/netlab/netlab/engine/cmdline"
)

// Server is a server a lab command started in a node. The record is
// written before the process starts (ID only) and completed with its
// process id once it runs, so a crash in between still leaves reset a
// way to it: the process writes its id to servers/ID.pid itself.
type Server struct {
	ID       string `json:"id"` // random hex: names its files under servers/
	Node     string `json:"node"`
	Kind     string `json:"kind"`  // cmdline.ServeNc, ServeHttpd, ServePython
	Proto    string `json:"proto"` // tcp or udp
	Bind     string `json:"bind,omitempty"`
	Port     int    `json:"port"`
	Keep     bool   `json:"keep,omitempty"`
	PID      int    `json:"pid,omitempty"`
	PIDStart uint64 `json:"pid_start,omitempty"`
}

// ServerSnap is a live server as a snapshot records it.
type ServerSnap struct {
	Kind  string `json:"kind"`
	Proto string `json:"proto"`
	Bind  string `json:"bind,omitempty"`
	Port  int    `json:"port"`
	Keep  bool   `json:"keep,omitempty"`
}

// addr is where the server listens, as ss prints it: "0.0.0.0:80".
func (v ServerSnap) addr() string {
	b := v.Bind
	if b == "" {
		b = "0.0.0.0"
	}
	return net.JoinHostPort(b, strconv.Itoa(v.Port))
}

// text is the displayed fact: "tcp 0.0.0.0:80 (httpd)", listed as "+ ns01 listen: tcp 0.0.0.0:80 (httpd)".
func (v ServerSnap) text() string {
	return v.Proto + " " + v.addr() + " (" + v.Kind + ")"
}

func (r Server) snap() ServerSnap {
	return ServerSnap{Kind: r.Kind, Proto: r.Proto, Bind: r.Bind, Port: r.Port, Keep: r.Keep}
}

func serversDir(dir string) string { return filepath.Join(dir, "servers") }

// serverFile is a file of a server's, by its recorded id, which is
// checked to be hex: a name, never a path.
func serverFile(dir, id, ext string) (string, error) {
	if len(id) != 24 || strings.Trim(id, "0123456789abcdef") != "" {
		return "", fmt.Errorf("server id %q is not one netlab makes", id)
	}
	return filepath.Join(serversDir(dir), id+ext), nil
}

// startServer listens in x's node and starts the server process on that
// socket. The error is worded as the real tool words it.
func startServer(x *execCtx, v ServerSnap) error {
	s := x.s
	var f *os.File
	err := x.do(func() error {
		addr := v.addr()
		if v.Proto == "udp" {
			pc, err := net.ListenPacket("udp4", addr)
			if err != nil {
				return err
			}
			defer pc.Close()
			f, err = pc.(*net.UDPConn).File()
			return err
		}
		l, err := net.Listen("tcp4", addr)
		if err != nil {
			return err
		}
		defer l.Close()
		f, err = l.(*net.TCPListener).File()
		return err
	})
	if err != nil {
		return bindError(v, err)
	}
	defer f.Close()
	var idb [12]byte
	rand.Read(idb[:])
	rec := Server{ID: hex.EncodeToString(idb[:]), Node: x.node.Name, Kind: v.Kind, Proto: v.Proto, Bind: v.Bind, Port: v.Port, Keep: v.Keep}
	if err := os.MkdirAll(serversDir(s.dir), 0o700); err != nil {
		return err
	}
	logPath, _ := serverFile(s.dir, rec.ID, ".log")
	pidPath, _ := serverFile(s.dir, rec.ID, ".pid")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	pidf, err := os.OpenFile(pidPath, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer pidf.Close()
	// Write-ahead: the record exists before the process does.
	s.st.Servers = append(s.st.Servers, rec)
	if err := writeState(s.dir, s.st); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	keep := "once"
	if v.Keep {
		keep = "keep"
	}
	bind := v.Bind
	if bind == "" {
		bind = "0.0.0.0"
	}
	cmd := &exec.Cmd{
		Path:        exe,
		Args:        []string{serverArg0, v.Kind, v.Proto, bind, strconv.Itoa(v.Port), keep, x.node.Name, rec.ID},
		Env:         []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"},
		Dir:         "/",
		Stdout:      logf,
		Stderr:      logf,
		ExtraFiles:  []*os.File{f, pidf},
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	// Started from the node's namespace, so the process lives there too
	// (ss -p in the node shows it); it opens no socket of its own.
	if err := x.do(cmd.Start); err != nil {
		s.dropServer(rec.ID)
		return err
	}
	go cmd.Wait() // reaped while this process lives; init reaps it after
	pidf.WriteAt([]byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0)
	start, _ := procStart(cmd.Process.Pid)
	awaitServerArgs(cmd.Process.Pid)
	for i := range s.st.Servers {
		if s.st.Servers[i].ID == rec.ID {
			s.st.Servers[i].PID, s.st.Servers[i].PIDStart = cmd.Process.Pid, start
		}
	}
	return writeState(s.dir, s.st)
}

// awaitServerArgs waits, for at most a second, until the started process
// shows the server's argument list in /proc/PID/cmdline, by which
// serverPID knows it for netlab's. Start returns once the program is
// being executed, a moment before the kernel has put the new argument
// list in place: a check right after would find no server.
func awaitServerArgs(pid int) {
	for i := 0; i < 1000; i++ {
		argv, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil || strings.HasPrefix(string(argv), serverArg0+"\x00") {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// bindError words a failed listen as the tool that asked for it.
func bindError(v ServerSnap, err error) error {
	msg := err.Error()
	if errors.Is(err, syscall.EADDRINUSE) {
		msg = "Address already in use"
	} else if errors.Is(err, syscall.EADDRNOTAVAIL) {
		msg = "Cannot assign requested address"
	}
	switch v.Kind {
	case cmdline.ServeHttpd:
		return errors.New("httpd: bind: " + msg)
	case cmdline.ServePython:
		return errors.New("OSError: " + msg)
	}
	return errors.New("nc: " + msg)
}

// serverPID is the process of a record: the one recorded, or the one the
// process wrote itself when netlab died before recording it; 0 when it is
// not running. A process counts only if it started when recorded (pid
// reuse) and runs as netlab's server carrying the record's id, so a pid
// written into a crafted state or pid file is never signalled.
func (s *Session) serverPID(r Server) int {
	pid, start := r.PID, r.PIDStart
	if pid == 0 {
		p, err := serverFile(s.dir, r.ID, ".pid")
		if err != nil {
			return 0
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return 0
		}
		if pid, err = strconv.Atoi(strings.TrimSpace(string(b))); err != nil {
			return 0
		}
		if start, err = procStart(pid); err != nil {
			return 0
		}
	}
	if pid <= 1 || pid == os.Getpid() {
		return 0
	}
	if got, err := procStart(pid); err != nil || got != start {
		return 0
	}
	argv, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !strings.HasPrefix(string(argv), serverArg0+"\x00") || !strings.HasSuffix(string(argv), "\x00"+r.ID+"\x00") {
		return 0
	}
	return pid
}

// stopServer ends a server's process (by its recorded id, verified) and
// forgets it: record and files.
func (s *Session) stopServer(r Server) {
	pid := s.serverPID(r)
	// A record without a pid is one a crash cut short: its process, if it
	// started, writes its pid within moments.
	for i := 0; pid == 0 && r.PID == 0 && i < 50; i++ {
		time.Sleep(10 * time.Millisecond)
		pid = s.serverPID(r)
	}
	if pid > 0 {
		start, _ := procStart(pid)
		syscall.Kill(pid, syscall.SIGTERM)
		for i := 0; i < 200 && !exited(pid, start); i++ {
			if i == 50 {
				syscall.Kill(pid, syscall.SIGKILL)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	s.dropServer(r.ID)
}

// exited reports whether the process that started at start is gone or a
// zombie. Its command line empties while it exits, before it is a zombie,
// so serverPID cannot tell.
func exited(pid int, start uint64) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return true
	}
	fs := strings.Fields(string(b[i+1:]))
	if len(fs) < 20 || fs[19] != strconv.FormatUint(start, 10) {
		return true
	}
	return fs[0] == "Z" || fs[0] == "X"
}

// dropServer forgets a record and removes its files.
func (s *Session) dropServer(id string) {
	out := s.st.Servers[:0]
	for _, r := range s.st.Servers {
		if r.ID != id {
			out = append(out, r)
		}
	}
	s.st.Servers = out
	for _, ext := range []string{".pid", ".log"} {
		if p, err := serverFile(s.dir, id, ext); err == nil {
			os.Remove(p)
		}
	}
}

// stopAllServers ends every recorded server, for reset.
func (s *Session) stopAllServers() {
	for _, r := range append([]Server(nil), s.st.Servers...) {
		s.stopServer(r)
	}
	os.Remove(serversDir(s.dir))
}

// liveServers are the node's recorded servers whose process runs and whose
// socket listens in the node now.
func (s *Session) liveServers(x *execCtx) ([]Server, error) {
	var mine []Server
	for _, r := range s.st.Servers {
		if r.Node == x.node.Name && s.serverPID(r) > 0 {
			mine = append(mine, r)
		}
	}
	if len(mine) == 0 {
		return nil, nil
	}
	socks, err := listening(x)
	if err != nil {
		return nil, err
	}
	var out []Server
	for _, r := range mine {
		if socks[r.Proto+" "+r.snap().addr()] {
			out = append(out, r)
		}
	}
	return out, nil
}

// listening reads the node's listening TCP and bound UDP sockets from
// /proc/thread-self/net (the namespace of the reading thread), as
// "tcp 0.0.0.0:80".
func listening(x *execCtx) (map[string]bool, error) {
	out := map[string]bool{}
	err := x.do(func() error {
		for _, t := range []struct{ proto, state string }{{"tcp", "0A"}, {"udp", "07"}} {
			b, err := os.ReadFile("/proc/thread-self/net/" + t.proto)
			if err != nil {
				return err
			}
			for _, line := range strings.Split(string(b), "\n")[1:] {
				f := strings.Fields(line)
				if len(f) < 4 || f[3] != t.state {
					continue
				}
				if a, ok := procAddr(f[1]); ok {
					out[t.proto+" "+a] = true
				}
			}
		}
		return nil
	})
	return out, err
}

// procAddr turns /proc/net/tcp's "0100007F:0050" into "127.0.0.1:80".
func procAddr(s string) (string, bool) {
	h, p, ok := strings.Cut(s, ":")
	if !ok || len(h) != 8 {
		return "", false
	}
	ip, err1 := strconv.ParseUint(h, 16, 32)
	port, err2 := strconv.ParseUint(p, 16, 16)
	if err1 != nil || err2 != nil {
		return "", false
	}
	a := net.IPv4(byte(ip), byte(ip>>8), byte(ip>>16), byte(ip>>24))
	return net.JoinHostPort(a.String(), strconv.Itoa(int(port))), true
}

// sweepServers ends, when the state cannot be read, the servers whose
// process wrote its id under servers/: each is verified to be netlab's
// server process carrying that id before it is signalled.
func sweepServers(dir string) {
	entries, err := os.ReadDir(serversDir(dir))
	if err != nil {
		return
	}
	s := &Session{dir: dir, st: &State{}}
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), ".pid"); ok {
			if _, err := serverFile(dir, id, ""); err == nil {
				s.stopServer(Server{ID: id})
			}
		}
	}
	for _, e := range entries {
		if id, _, ok := strings.Cut(e.Name(), "."); ok {
			if _, err := serverFile(dir, id, ""); err == nil {
				os.Remove(filepath.Join(serversDir(dir), e.Name()))
			}
		}
	}
	os.Remove(serversDir(dir))
}
