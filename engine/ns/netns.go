package ns

import (
	"fmt"
	"os"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// NetNS is an open network namespace file.
type NetNS interface {
	// Do runs fn on a fresh goroutine locked to an OS thread switched
	// into this namespace, and switches the thread back afterwards (see
	// onFreshThread). fn receives this namespace. Sockets fn opens belong
	// to this namespace for their whole life; programs it starts (the
	// fork happens on its thread) run in it too. Goroutines fn starts do
	// not: they may run on any thread.
	Do(fn func(NetNS) error) error
	// Path is the path the namespace was opened from.
	Path() string
	// Fd is the open namespace file, valid until Close.
	Fd() uintptr
	// Close closes the namespace file; the namespace itself lives on
	// while its bind mount or any process holds it.
	Close() error
}

// netNS is the NetNS GetNS returns.
type netNS struct {
	file   *os.File
	closed bool
}

// GetNS opens the network namespace file at path: a bind mount that
// Create made, or a /proc/<pid>/ns/net file. It refuses an empty path,
// anything that is not a namespace file, and the machine's own namespace
// (an error wrapping ErrMachine), so no NetNS ever names the machine's.
func GetNS(path string) (NetNS, error) {
	if path == "" {
		return nil, fmt.Errorf("no namespace given")
	}
	var fs unix.Statfs_t
	if err := unix.Statfs(path, &fs); err != nil {
		return nil, fmt.Errorf("open namespace %q: %w", path, err)
	}
	if fs.Type != nsfsMagic && fs.Type != unix.PROC_SUPER_MAGIC {
		return nil, fmt.Errorf("open namespace %q: not a namespace file (filesystem %#x)", path, fs.Type)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open namespace %q: %w", path, err)
	}
	if IsMachine(int(f.Fd())) {
		f.Close()
		return nil, fmt.Errorf("refusing %s: %w", path, ErrMachine)
	}
	return &netNS{file: f}, nil
}

// WithNetNSPath opens the namespace at path, runs fn in it with Do and
// closes it again.
func WithNetNSPath(path string, fn func(NetNS) error) error {
	n, err := GetNS(path)
	if err != nil {
		return err
	}
	defer n.Close()
	return n.Do(fn)
}

func (n *netNS) Path() string { return n.file.Name() }

func (n *netNS) Fd() uintptr { return n.file.Fd() }

func (n *netNS) Close() error {
	if n.closed {
		return fmt.Errorf("namespace %q is already closed", n.Path())
	}
	n.closed = true
	return n.file.Close()
}

func (n *netNS) Do(fn func(NetNS) error) error {
	if n.closed {
		return fmt.Errorf("namespace %q is already closed", n.Path())
	}
	return onFreshThread(func() error {
		if err := setns(netns.NsHandle(n.Fd())); err != nil {
			return fmt.Errorf("enter namespace %q: %w", n.Path(), err)
		}
		return fn(n)
	})
}
