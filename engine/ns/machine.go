package ns

import (
	"errors"

	"golang.org/x/sys/unix"
)

// ErrMachine is wrapped by every refusal to open, enter or remove the
// machine's own network namespace, so a caller can put the refusal in
// its own words.
var ErrMachine = errors.New("it is the machine's own network namespace")

// machine identifies the machine's own network namespace: the one this
// process started in, read from /proc/self/ns/net once, while the package
// initialises. Nothing here ever acts in it.
//
// Why this one and not /proc/1/ns/net:
//   - It holds the interfaces of whoever runs netlab: every lab namespace
//     is created from it, and a capture in it would put one of them into
//     promiscuous mode.
//   - It can always be read. /proc/1/ns/net needs ptrace access to PID 1:
//     in a user namespace (a future rootless mode) PID 1 may belong to
//     another user namespace and the stat fails, so a check built on it
//     would let everything through; in a PID namespace PID 1 is not even
//     the machine's init.
//   - Read once, before any goroutine runs. Later, /proc/self names the
//     thread group leader, and the runtime may run any goroutine on that
//     thread: a Do, or a test's thread with a private /run, may have it
//     switched away at the moment of a later read.
//
// When netlab starts inside a lab namespace (under "ip netns exec"), that
// namespace is the one refused: the safe side of the mistake.
var machine, machineErr = func() (unix.Stat_t, error) {
	var st unix.Stat_t
	err := unix.Stat("/proc/self/ns/net", &st)
	return st, err
}()

// isMachine reports whether st describes the machine's namespace. When
// the machine's namespace could not be read at start, every namespace
// counts as the machine's: refusing all is the only safe answer.
func isMachine(st *unix.Stat_t) bool {
	return machineErr != nil || (st.Dev == machine.Dev && st.Ino == machine.Ino)
}

// IsMachine reports whether the namespace file open as fd is the
// machine's own network namespace, or cannot be told apart from it (fd
// cannot be read): callers refuse either.
func IsMachine(fd int) bool {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return true
	}
	return isMachine(&st)
}
