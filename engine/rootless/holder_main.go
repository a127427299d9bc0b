package rootless

// This file is the holder process itself. netlab starts it by running its
// own binary again under the name HolderArg0 (Ensure), in a new user,
// mount and network namespace; init below recognises that name before
// anything else runs, in the netlab binary and in test binaries alike.

import (
	"bytes"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

func init() {
	if len(os.Args) == 2 && os.Args[0] == HolderArg0 {
		os.Exit(holderMain(os.Args[1]))
	}
}

// holderTick is how often the holder looks whether it is still needed;
// holderGrace how long a new holder waits for the command that started it
// to join (until it has seen a process inside).
var holderTick, holderGrace = 500 * time.Millisecond, 10 * time.Second

// holderMain keeps the namespaces it was started in alive while they are
// needed: while a session exists in dir, or any other process is inside
// them (a TUI on the picker, a "netlab test", a server of the lab). It ends
// when dir or its marker disappears, or when neither has been true for a
// few looks (after "netlab reset"). Its namespaces die with it and with
// the last process inside them, and with them every lab namespace: the
// kernel removes what nothing holds.
func holderMain(dir string) int {
	signal.Ignore(syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGPIPE)
	os.Chdir("/") // never keep the run directory busy
	self, err := os.Readlink("/proc/self/ns/user")
	if err != nil {
		return 2
	}
	born := time.Now()
	idle := 0
	released := filepath.Join(dir, releaseFile)
	for range time.Tick(holderTick) {
		// "netlab reset" ends the grace: nothing is left to wait for.
		if b, err := os.ReadFile(released); err == nil && string(b) == fmt.Sprintf("%d\n", os.Getpid()) {
			os.Remove(released)
			born = time.Now().Add(-holderGrace)
		}
		if _, err := os.Lstat(filepath.Join(dir, ".netlab-run")); err != nil {
			break // the run directory was removed (its marker is written before the holder starts)
		}
		if othersInside(self) {
			born = time.Now().Add(-holderGrace) // the command that started it has joined: no more grace
			idle = 0
			continue
		}
		if _, err := os.Lstat(filepath.Join(dir, "session.json")); err == nil || time.Since(born) < holderGrace {
			idle = 0
			continue
		}
		if idle++; idle >= 3 {
			break
		}
	}
	// Remove the holder file only when it still names this process.
	p := filepath.Join(dir, holderFile)
	if b, err := os.ReadFile(p); err == nil && bytes.HasPrefix(b, fmt.Appendf(nil, "%d ", os.Getpid())) {
		os.Remove(p)
	}
	return 0
}

// othersInside reports whether a process other than this one is in the
// user namespace userNS (as /proc/PID/ns/user reads).
func othersInside(userNS string) bool {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return true // cannot tell: stay
	}
	me := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == me {
			continue
		}
		if l, err := os.Readlink("/proc/" + e.Name() + "/ns/user"); err == nil && l == userNS {
			return true
		}
	}
	return false
}
