package engine

import (
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// A snapshot reads a node's iptables rules with iptables-save, a process
// of about 5 ms, whenever netlab's commands have written rules there
// (IptDirty). With the nf_tables variant of iptables, whose rules live in
// nf_tables, the kernel counts every change to a namespace's rules in one
// number, the ruleset generation (NFT_MSG_GETGEN). So a node's tables
// read once are kept with the generation they were read at, and a later
// snapshot takes them again, after one netlink request, while the
// generation is the same. Reading the rules or listing them (iptables
// -L, iptables-save) does not change it; any change does, made by netlab,
// by hand in a shell or by anything else.
//
// The request goes only where nf_tables is already in the kernel (see
// nftLoaded): asking a kernel without it could make it load the module,
// and netlab never loads kernel modules.

// Netlink numbers from linux/netfilter/nfnetlink.h and nf_tables.h.
const (
	nfnlSubsysNftables = 10
	nftMsgNewGen       = 15
	nftMsgGetGen       = 16
	nftaGenID          = 1
)

// iptablesSaves counts iptables-save runs, for the tests.
var iptablesSaves atomic.Int64

// iptCache is a node's tables as last read and the generation they were
// read at.
type iptCache struct {
	mu      sync.Mutex
	sock    *nl.NetlinkSocket // NETLINK_NETFILTER, in the node's namespace
	gen     uint32
	tables  map[string][]string // nil: nothing kept
	pending chan struct{}       // closed when a read started ahead (prefetch) ends
}

// nftRules reports whether iptables-save is the nf_tables variant and
// nf_tables is in the kernel, so that a generation can stand for the
// rules.
func nftRules() bool { return nftSave() && nftLoaded() }

// nftLoaded reports whether asking for a generation can never make the
// kernel load a module: it has none to load (no /proc/modules), or
// nf_tables is loaded (/sys/module/nf_tables) or built in.
func nftLoaded() bool {
	if _, err := os.Stat("/proc/modules"); os.IsNotExist(err) {
		return true
	}
	if _, err := os.Stat("/sys/module/nf_tables"); err == nil {
		return true
	}
	return builtinNftables()
}

// builtinNftables reports whether the running kernel's modules.builtin
// lists nf_tables.
var builtinNftables = sync.OnceValue(func() bool {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return false
	}
	b, err := os.ReadFile(filepath.Join("/lib/modules", unix.ByteSliceToString(u.Release[:]), "modules.builtin"))
	return err == nil && strings.Contains("\n"+string(b), "/nf_tables.ko\n")
})

// nftSave reports whether the iptables-save netlab runs is the nf_tables
// variant (xtables-nft-multi, iptables-nft-save), by the program the
// name resolves to; iptables-legacy keeps its rules elsewhere.
var nftSave = sync.OnceValue(func() bool {
	p, err := exec.LookPath("iptables-save")
	if err != nil {
		return false
	}
	real, err := filepath.EvalSymlinks(p)
	return err == nil && strings.Contains(filepath.Base(real), "-nft")
})

// close waits for a read started ahead and closes the socket.
func (c *iptCache) close() {
	c.wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sock != nil {
		c.sock.Close()
		c.sock = nil
	}
	c.tables = nil
}

// wait waits for a read started ahead (prefetch) to end.
func (c *iptCache) wait() {
	c.mu.Lock()
	p := c.pending
	c.mu.Unlock()
	if p != nil {
		<-p
	}
}

// generation asks the kernel for the node's ruleset generation. Called
// with c.mu held.
func (c *iptCache) generation(path string) (uint32, error) {
	if c.sock == nil {
		target, err := netns.GetFromPath(path)
		if err != nil {
			return 0, err
		}
		sock, err := nl.GetNetlinkSocketAt(target, netns.None(), unix.NETLINK_NETFILTER)
		target.Close()
		if err != nil {
			return 0, err
		}
		sock.SetReceiveTimeout(&unix.Timeval{Sec: 1})
		sock.SetSendTimeout(&unix.Timeval{Sec: 1})
		c.sock = sock
	}
	req := nl.NewNetlinkRequest(nfnlSubsysNftables<<8|nftMsgGetGen, 0)
	req.AddData(&nl.Nfgenmsg{NfgenFamily: unix.AF_UNSPEC, Version: nl.NFNETLINK_V0})
	if err := c.sock.Send(req); err != nil {
		return 0, c.broken(err)
	}
	for {
		msgs, _, err := c.sock.Receive()
		if err != nil {
			return 0, c.broken(err)
		}
		for _, m := range msgs {
			if m.Header.Seq != req.Seq {
				continue // an answer to an earlier request that timed out
			}
			switch m.Header.Type {
			case syscall.NLMSG_ERROR:
				if len(m.Data) >= 4 {
					if errno := int32(binary.NativeEndian.Uint32(m.Data)); errno != 0 {
						return 0, syscall.Errno(-errno)
					}
				}
				return 0, errors.New("nf_tables: no generation in the answer")
			case nfnlSubsysNftables<<8 | nftMsgNewGen:
				if len(m.Data) < nl.SizeofNfgenmsg {
					return 0, c.broken(errors.New("nf_tables: short answer"))
				}
				attrs, err := nl.ParseRouteAttr(m.Data[nl.SizeofNfgenmsg:])
				if err != nil {
					return 0, c.broken(err)
				}
				for _, a := range attrs {
					if a.Attr.Type == nftaGenID && len(a.Value) == 4 {
						return binary.BigEndian.Uint32(a.Value), nil
					}
				}
				return 0, errors.New("nf_tables: no generation in the answer")
			}
		}
	}
}

// broken drops a socket that failed, so the next request opens another.
func (c *iptCache) broken(err error) error {
	c.sock.Close()
	c.sock = nil
	return err
}

// iptablesRules is iptablesSave through the node's cache: the tables kept
// when the generation has not moved since they were read, else a fresh
// read, kept when the generation did not move during it.
func (x *execCtx) iptablesRules() (map[string][]string, error) {
	c := x.iptCache()
	if c == nil || !nftRules() {
		return x.iptablesSave()
	}
	c.wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	before, err := c.generation(x.node.Path)
	if err != nil {
		c.tables = nil
		return x.iptablesSave()
	}
	if c.tables != nil && c.gen == before {
		return cloneTables(c.tables), nil
	}
	tables, err := x.iptablesSave()
	if err != nil {
		return nil, err
	}
	c.keep(x.node.Path, before, tables)
	return tables, nil
}

// keep records tables read at generation before, unless the generation
// moved while they were read (called with c.mu held).
func (c *iptCache) keep(path string, before uint32, tables map[string][]string) {
	if after, err := c.generation(path); err == nil && after == before {
		c.gen, c.tables = before, cloneTables(tables)
	} else {
		c.tables = nil
	}
}

// prefetchIptables starts reading a node's rules in the background once
// a step that changed them has ended, so the next snapshot finds them
// read. A snapshot waits for it, or leaves it running (iptablesLater).
func (s *Session) prefetchIptables(name string) {
	if !nftRules() {
		return
	}
	x, err := s.ctx(name)
	if err != nil {
		return
	}
	if c := x.iptCache(); c != nil {
		c.mu.Lock()
		c.readAhead(x)
		c.mu.Unlock()
	}
}

// readAhead starts reading the node's tables in the background, unless
// a read is running already (called with c.mu held). The lock is held
// only to ask for the generation and to keep the tables, so that the
// generation can be asked meanwhile.
func (c *iptCache) readAhead(x *execCtx) {
	if c.pending != nil {
		return
	}
	done := make(chan struct{})
	c.pending = done
	node := *x.node
	bx := &execCtx{s: x.s, node: &node}
	go func() {
		defer func() {
			c.mu.Lock()
			c.pending = nil
			c.mu.Unlock()
			close(done)
		}()
		c.mu.Lock()
		before, err := c.generation(node.Path)
		c.mu.Unlock()
		if err != nil {
			return
		}
		if tables, err := bx.iptablesSave(); err == nil {
			c.mu.Lock()
			c.keep(node.Path, before, tables)
			c.mu.Unlock()
		}
	}()
}

// iptablesLater is iptablesRules for a step's snapshot, which need not
// hold the rules before the step's commands may change them: the tables
// when the node's cache holds them at the present generation, else nil
// and that generation, with a read of the tables running in the
// background (see fillIptables).
func (x *execCtx) iptablesLater() (map[string][]string, *uint32, error) {
	c := x.iptCache()
	if c == nil || !nftRules() {
		t, err := x.iptablesSave()
		return t, nil, err
	}
	c.mu.Lock()
	gen, err := c.generation(x.node.Path)
	switch {
	case err != nil:
		c.mu.Unlock()
		t, err := x.iptablesRules()
		return t, nil, err
	case c.pending == nil && c.tables != nil && c.gen == gen:
		t := cloneTables(c.tables)
		c.mu.Unlock()
		return t, nil, nil
	}
	c.readAhead(x)
	c.mu.Unlock()
	return nil, &gen, nil
}

// iptablesAt returns the node's tables as they were at generation gen:
// those a read in the background kept at gen, once it has ended, or
// else (the read failed, or the rules changed under it) the tables read
// now, which are those of gen unless something else changed the rules
// since.
func (x *execCtx) iptablesAt(gen uint32) (map[string][]string, error) {
	if c := x.iptCache(); c != nil {
		c.wait()
		c.mu.Lock()
		if c.tables != nil && c.gen == gen {
			t := cloneTables(c.tables)
			c.mu.Unlock()
			return t, nil
		}
		c.mu.Unlock()
	}
	return x.iptablesRules()
}

// writesRules reports whether a command changes iptables rules.
func writesRules(c *Command) bool {
	for _, a := range c.Actions {
		if ia, ok := a.(*iptablesAction); ok && ia.Mutating() {
			return true
		}
	}
	return false
}

// cloneTables copies tables, so a snapshot never shares the cache's.
func cloneTables(t map[string][]string) map[string][]string {
	out := make(map[string][]string, len(t))
	for k, v := range t {
		out[k] = append([]string(nil), v...)
	}
	return out
}
