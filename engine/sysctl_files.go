package engine

import (
	"os"
	"strings"
	"sync"

	"github.com/vishvananda/netlink/nl"

	"golang.org/x/sys/unix"
)

// nodeCache is what a node with a netlink handle keeps between
// snapshots.
type nodeCache struct {
	sysctl sysctlFiles
	ipt    iptCache
	view   *nodeView        // its kernel tables as last read (node_view.go)
	sock   *nl.SocketHandle // for hand-built requests (node_request.go)
}

// cache is the node's cache, nil for a context outside a session.
func (x *execCtx) cache() *nodeCache {
	if x.s == nil {
		return nil
	}
	return x.s.caches[x.node.Name]
}

// iptCache is the node's iptables cache, nil outside a session.
func (x *execCtx) iptCache() *iptCache {
	if c := x.cache(); c != nil {
		return &c.ipt
	}
	return nil
}

// sysctlFiles holds a node's /proc/sys files open between snapshots. A
// /proc/sys/net file opened inside a namespace keeps reading that
// namespace's value whichever thread reads it later, so a snapshot reads
// each key with one pread instead of entering the namespace and opening
// the file again (which cost a quarter of a millisecond per node and
// snapshot). A file whose setting is gone (its interface was deleted,
// renamed or moved, or the namespace removed) fails to read; it is then
// closed and the key opened again inside the namespace.
type sysctlFiles struct {
	mu  sync.Mutex
	fds map[string]int // key -> open file
}

// close closes every file held.
func (f *sysctlFiles) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, fd := range f.fds {
		unix.Close(fd)
		delete(f.fds, k)
	}
}

// openHere opens the keys' files in the calling thread's namespace, for
// the first snapshot to read without entering it again.
func (f *sysctlFiles) openHere(keys []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fds == nil {
		f.fds = map[string]int{}
	}
	for _, k := range keys {
		if _, ok := f.fds[k]; ok {
			continue
		}
		if fd, err := unix.Open(sysctlFile(k), unix.O_RDONLY|unix.O_CLOEXEC, 0); err == nil {
			f.fds[k] = fd
		}
	}
}

// sysctlValue is a /proc/sys file's text as sysctl(8) prints a value:
// its fields joined by tabs.
func sysctlValue(b []byte) string { return strings.Join(strings.Fields(string(b)), "\t") }

// readCached reads the keys through the node's open files, opening those
// not yet open (or no longer readable) in one visit to the namespace;
// keys that do not exist there are left out.
func (x *execCtx) readCached(f *sysctlFiles, keys []string) (map[string]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fds == nil {
		f.fds = map[string]int{}
	}
	vals := map[string]string{}
	var buf [4096]byte // a page; a longer value is read whole below
	var missing []string
	for _, k := range keys {
		fd, ok := f.fds[k]
		if !ok {
			missing = append(missing, k)
			continue
		}
		n, err := unix.Pread(fd, buf[:], 0)
		if err != nil || n == len(buf) {
			unix.Close(fd)
			delete(f.fds, k)
			missing = append(missing, k)
			continue
		}
		vals[k] = sysctlValue(buf[:n])
	}
	if len(missing) == 0 {
		return vals, nil
	}
	err := x.do(func() error {
		for _, k := range missing {
			fd, err := unix.Open(sysctlFile(k), unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				continue // no such key here
			}
			n, err := unix.Pread(fd, buf[:], 0)
			if err != nil || n == len(buf) {
				unix.Close(fd)
				if b, err := os.ReadFile(sysctlFile(k)); err == nil {
					vals[k] = sysctlValue(b) // read whole each time, not kept open
				}
				continue
			}
			vals[k] = sysctlValue(buf[:n])
			f.fds[k] = fd
		}
		return nil
	})
	return vals, err
}
