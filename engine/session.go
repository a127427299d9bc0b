package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/netlab/netlab/engine/ns"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Spec describes the lab a new session builds before its first step: its
// hosts and the setup commands that wire them (for example the veth that
// joins the lab host's eth0 to the outside network). Setup is the lab's
// starting point, so it is not undoable.
type Spec struct {
	Hosts []string      // lab host names; the first is the default node
	Setup []NodeCommand // run once, in order, when the session is created
	// Names are the nodes' names tables as setup leaves them (a lab's
	// names:, the DNS of a user-defined network), by node; set once the
	// setup commands ran, so a namespace they create may have names.
	Names map[string][]HostLine
	Meta  map[string]string // stored with the session (lab id, file, ...)
	// Aliases are names that share another node's namespace, as Docker's
	// "--network container:NAME" and "--network host" do: alias -> node.
	// The node may be one a step creates later.
	Aliases map[string]string
}

// NodeCommand is a command to run on a given node.
type NodeCommand struct {
	Node    string
	Command *Command
}

// Session is a running lab: its nodes and applied steps, persisted under a
// run directory and guarded by a file lock so that several netlab
// processes (the TUI, "netlab step", ...) share it safely.
type Session struct {
	dir      string
	st       *State
	lockFile *os.File
	handles  map[string]*netlink.Handle
	ctl      runControl // cancels lock waits and step commands (cancel.go)
	// raw is the state file as this session last read or wrote it, and
	// handleNS the namespace (nsfs inode) each cached handle was made in:
	// together they let Refresh keep a state and handles nothing changed.
	raw      []byte
	handleNS map[string]uint64
	// caches are what each node with a handle keeps between snapshots:
	// open /proc/sys files (sysctl_files.go) and its iptables rules with
	// their generation (iptables_cache.go); they go with the handle.
	caches map[string]*nodeCache
	// viewEpoch counts handles made and dropped: a node's view
	// (node_view.go) read in another epoch is not reused, since the
	// nodes its links may name have changed.
	viewEpoch uint64
	// ahead is closed when the views' read started after a step
	// (readAhead) ends; nil when none runs.
	ahead chan struct{}
}

// ErrSessionExists is returned by Create when a session is already running.
type ErrSessionExists struct{ State *State }

// Error says which lab is running and how to continue or remove it.
func (e *ErrSessionExists) Error() string {
	return fmt.Sprintf("a lab session is already running (lab %q, %d step(s) applied); continue it, or remove it with 'netlab reset'",
		e.State.Meta["lab"], len(e.State.Applied))
}

// Create builds a new session in dir (RunDir() when empty): one namespace
// per host, then the setup commands. On any failure everything created is
// removed again.
func Create(dir string, spec Spec) (_ *Session, err error) {
	if dir == "" {
		dir = RunDir()
	}
	if len(spec.Hosts) == 0 {
		spec.Hosts = []string{"host"}
	}
	if err := claimDir(dir, true); err != nil {
		return nil, err
	}
	s := &Session{dir: dir, handles: map[string]*netlink.Handle{}}
	if err := s.lock(); err != nil {
		return nil, err
	}
	defer s.unlock()
	if st, err := readState(dir); err == nil {
		if st.Setup == nil {
			return nil, &ErrSessionExists{State: st}
		}
		// A start killed during setup (we hold the lock, so no start is
		// running): remove the half-built lab and build it again.
		s.st = st
		if err := s.removeAll(); err != nil {
			return nil, fmt.Errorf("remove the lab whose setup did not finish: %w; run 'netlab reset'", err)
		}
	} else if !errors.Is(err, ErrNoSession) {
		return nil, err
	}
	if err := checkAliases(spec); err != nil {
		return nil, err
	}
	s.st = &State{Version: stateVersion, Meta: spec.Meta, IptDirty: map[string]bool{}, Created: time.Now(),
		Setup: &SetupProgress{Command: -1, Total: len(spec.Setup)}, Aliases: spec.Aliases}
	defer func() {
		if err != nil {
			s.removeAll()
		}
	}()
	for _, h := range spec.Hosts {
		if _, err := s.addNode(h, KindHost, ""); err != nil {
			return nil, err
		}
	}
	for i, nc := range spec.Setup {
		s.st.Setup.Command, s.st.Setup.Text = i, nc.Command.Text
		if err := writeState(dir, s.st); err != nil {
			return nil, err
		}
		res := s.run(nc.Node, nc.Command)
		if res.Err != nil {
			return nil, fmt.Errorf("lab setup: %q on %s: %w", nc.Command.Text, nc.Node, res.Err)
		}
	}
	if err := s.setupNames(spec.Names); err != nil {
		return nil, err
	}
	s.st.Setup = nil
	return s, writeState(dir, s.st)
}

// openRaceHook, when a test sets it, runs in Open between trying the lock
// and reading the state again: where another process's setup may finish.
var openRaceHook func()

// SetupUnfinishedError is returned by Open for a session whose setup
// ("netlab start") was stopped before it finished.
type SetupUnfinishedError struct {
	Lab   string
	Setup SetupProgress
}

// Error says where the setup stopped and how to rebuild or remove the lab.
func (e *SetupUnfinishedError) Error() string {
	at := "while creating its hosts"
	if e.Setup.Command >= 0 {
		at = fmt.Sprintf("at setup command %d of %d (%q)", e.Setup.Command+1, e.Setup.Total, e.Setup.Text)
	}
	return fmt.Sprintf("the setup of lab %q did not finish (netlab was stopped %s); run 'netlab reset', or 'netlab start' again to rebuild it", e.Lab, at)
}

// Open attaches to the session persisted in dir (RunDir() when empty).
func Open(dir string) (*Session, error) {
	if dir == "" {
		dir = RunDir()
	}
	if err := claimDir(dir, false); err != nil {
		return nil, err
	}
	st, err := readState(dir)
	if err != nil {
		return nil, err
	}
	s := &Session{dir: dir, st: st, handles: map[string]*netlink.Handle{}}
	for st.Setup != nil {
		if s.Busy() {
			return nil, fmt.Errorf("lab %q is still being set up by another netlab process; try again in a moment", st.Meta["lab"])
		}
		// The setup may have finished (and let go of the lock) between
		// reading the state and trying the lock: only a state that reads
		// the same again, with nobody holding the lock, is unfinished.
		if openRaceHook != nil {
			openRaceHook()
		}
		again, err := readState(dir)
		if err != nil {
			return nil, err
		}
		if again.Setup != nil && again.Created.Equal(st.Created) && *again.Setup == *st.Setup {
			return nil, &SetupUnfinishedError{Lab: st.Meta["lab"], Setup: *st.Setup}
		}
		st = again
		s.st = st
	}
	return s, nil
}

// Close releases the session's netlink handles; the lab keeps running.
func (s *Session) Close() {
	s.awaitAhead()
	for k := range s.handles {
		s.dropHandle(k)
	}
}

// dropHandle closes a node's cached netlink handle and what it keeps with it
// (open sysctl files, iptables rules and their generation socket).
func (s *Session) dropHandle(name string) {
	s.awaitAhead()
	if h, ok := s.handles[name]; ok {
		h.Close()
		delete(s.handles, name)
	}
	delete(s.handleNS, name)
	if c, ok := s.caches[name]; ok {
		c.sysctl.close()
		c.ipt.close()
		c.view.close()
		if c.sock != nil {
			c.sock.Close()
		}
		delete(s.caches, name)
		s.viewEpoch++
	}
}

// Dir is the session's run directory.
func (s *Session) Dir() string { return s.dir }

// State returns a copy of the persisted state as last read.
func (s *Session) State() State { return *s.st }

// Refresh re-reads the state another process may have changed.
//
// Parsing and checking the state, and making a netlink handle per node
// again, is skipped when nothing changed since this session last read or
// wrote the file: its bytes are the same (every writer replaces the whole
// file), no step is running (whose journal would need merging again), and
// every cached handle's namespace is still the one mounted under the
// node's name (one deleted and made again by hand in a shell is not).
func (s *Session) Refresh() error {
	b, err := readStateFile(s.dir)
	if err == nil && s.st != nil && s.st.Running == nil && s.raw != nil && bytes.Equal(b, s.raw) && s.handlesCurrent() {
		return nil
	}
	s.raw = nil
	st, raw, err := readStateRaw(s.dir)
	if err != nil {
		return err
	}
	s.st, s.raw = st, raw
	s.Close()
	return nil
}

// handlesCurrent reports whether every cached handle is still in the
// namespace its node's file names.
func (s *Session) handlesCurrent() bool {
	for name, ino := range s.handleNS {
		var st unix.Stat_t
		if err := unix.Stat(nsPath(s.dir, name), &st); err != nil || st.Ino != ino {
			return false
		}
	}
	return true
}

// Nodes returns the lab's nodes in creation order.
func (s *Session) Nodes() []Node { return append([]Node(nil), s.st.Nodes...) }

// DefaultNode is the node commands run on when none is named: the first host.
func (s *Session) DefaultNode() string {
	for _, n := range s.st.Nodes {
		if n.Kind == KindHost {
			return n.Name
		}
	}
	return ""
}

// NodePath returns the namespace file of a node, for capture and exec.
func (s *Session) NodePath(name string) (string, error) {
	n, err := s.lookup(name)
	if err != nil {
		return "", err
	}
	return n.Path, nil
}

// lookup finds a node by the name the student gives on netlab's command
// line (exec, shell, capture targets): its id, an alias, "NAME@HOST" for
// a namespace of a lab host, or a bare namespace name, the first host's
// when it has one, else the only one of that name.
func (s *Session) lookup(name string) (*Node, error) {
	if n := s.st.node(name); n != nil {
		return n, nil
	}
	if of, ok := s.st.Aliases[name]; ok {
		if n := s.st.node(of); n != nil {
			return n, nil
		}
		return nil, fmt.Errorf("%s shares the network namespace of %s, which does not exist now", name, of)
	}
	if i := strings.LastIndexByte(name, '@'); i > 0 {
		if h := s.st.node(name[i+1:]); h != nil && h.Kind == KindHost {
			if n := s.st.netnsOn(h.Name, name[:i]); n != nil {
				return n, nil
			}
		}
	}
	if n := s.st.netnsOn(s.DefaultNode(), name); n != nil {
		return n, nil
	}
	var found []*Node
	for i := range s.st.Nodes {
		if n := &s.st.Nodes[i]; n.Kind == KindNetns && n.NetnsName() == name {
			found = append(found, n)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return nil, &UnknownNodeError{Name: name, Known: s.st.NodeNames()}
}

// lookupFrom finds the node a command run on node from names, as "ip
// netns exec NAME", "netns NAME" and "peer ... netns NAME" do on a
// machine: a namespace of from's own lab host, a lab host (the lab's
// cabling between machines names them), or an alias. A namespace of
// another host is not found: each host has its own names.
func (s *Session) lookupFrom(from *Node, name string) (*Node, error) {
	if n := s.named(from, name); n != nil {
		return n, nil
	}
	if of, ok := s.st.Aliases[name]; ok {
		if n := s.st.node(of); n != nil {
			return n, nil
		}
		return nil, fmt.Errorf("%s shares the network namespace of %s, which does not exist now", name, of)
	}
	return nil, &UnknownNodeError{Name: name, Known: s.st.NodeNames()}
}

// nodeOf is the node a command runs in when its step runs on node: node
// itself, or the namespace its "ip netns exec" names, resolved on node's
// host: the name as written, or the id when the name is qualified there.
func (s *Session) nodeOf(node string, c *Command) string {
	if c.Netns == "" {
		return node
	}
	if from, err := s.lookup(node); err == nil {
		if n, err := s.lookupFrom(from, c.Netns); err == nil && n.Local != "" {
			return n.Name
		}
	}
	return c.Netns
}

// Aliases returns the names that share another node's namespace (alias ->
// node), as the lab declared them.
func (s *Session) Aliases() map[string]string {
	if len(s.st.Aliases) == 0 {
		return nil
	}
	out := map[string]string{}
	for a, n := range s.st.Aliases {
		out[a] = n
	}
	return out
}

// checkAliases refuses an alias that is not a plain name, names a lab host
// or itself, or shares the namespace of another alias.
func checkAliases(spec Spec) error {
	for a, of := range spec.Aliases {
		if !validName(a) || !validName(of) {
			return fmt.Errorf("alias %q of %q: not plain names", a, of)
		}
		if _, chained := spec.Aliases[of]; chained || a == of {
			return fmt.Errorf("alias %q must name a node, not %q", a, of)
		}
		for _, h := range spec.Hosts {
			if h == a {
				return fmt.Errorf("alias %q is also a lab host", a)
			}
		}
	}
	return nil
}

// UnknownNodeError names a node that does not exist and those that do.
type UnknownNodeError struct {
	Name  string
	Known []string
}

// Error names the node and lists the lab's nodes.
func (e *UnknownNodeError) Error() string {
	return fmt.Sprintf("no node %q in this lab (nodes: %s)", e.Name, strings.Join(e.Known, ", "))
}

// handle returns a cached netlink handle inside a node's namespace.
func (s *Session) handle(n *Node) (*netlink.Handle, error) {
	if h, ok := s.handles[n.Name]; ok {
		return h, nil
	}
	s.awaitAhead() // it reads the maps this changes
	target, err := ns.GetNS(n.Path)
	if errors.Is(err, ns.ErrMachine) {
		return nil, fmt.Errorf("refusing to use the machine's own namespace for node %s", n.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("open namespace of %s: %w", n.Name, err)
	}
	defer target.Close()
	var fst unix.Stat_t
	if err := unix.Fstat(int(target.Fd()), &fst); err != nil {
		return nil, fmt.Errorf("open namespace of %s: %w", n.Name, err)
	}
	// One visit to the namespace makes the handle's socket (routing
	// only: netlab asks nothing else through it) and the view's.
	var h *netlink.Handle
	c := &nodeCache{}
	watch := -1
	if err := target.Do(func(ns.NetNS) error {
		var err error
		if h, err = netlink.NewHandle(unix.NETLINK_ROUTE); err != nil {
			return err
		}
		watch = openWatch()
		c.sock = openRequestSocket()
		c.sysctl.openHere(baseSysctls)
		return nil
	}); err != nil {
		if h != nil {
			h.Close()
		}
		if watch >= 0 {
			unix.Close(watch)
		}
		if c.sock != nil {
			c.sock.Close()
		}
		c.sysctl.close()
		return nil, err
	}
	c.view = newNodeView(watch)
	if s.handleNS == nil {
		s.handleNS = map[string]uint64{}
	}
	if s.caches == nil {
		s.caches = map[string]*nodeCache{}
	}
	s.handleNS[n.Name] = fst.Ino
	s.handles[n.Name] = h
	s.caches[n.Name] = c
	s.viewEpoch++
	return h, nil
}

// addNode records a node before creating its namespace (write-ahead), so a
// crash never leaves a namespace that reset does not know about.
func (s *Session) addNode(name, kind, parent string) (*Node, error) {
	return s.addNodeAs(name, "", kind, parent)
}

// addNodeAs is addNode for a node whose id (name) is qualified: local is
// its "ip netns" name on its host ("" when it is name).
func (s *Session) addNodeAs(name, local, kind, parent string) (*Node, error) {
	if !validName(name) || (local != "" && !validName(local)) {
		return nil, fmt.Errorf("cannot create namespace %q: not a plain name", name)
	}
	if s.st.node(name) != nil {
		return nil, fmt.Errorf("cannot create namespace %q: it already exists", name)
	}
	s.st.Nodes = append(s.st.Nodes, Node{Name: name, Kind: kind, Parent: parent, Path: nsPath(s.dir, name), Local: local})
	if err := writeState(s.dir, s.st); err != nil {
		s.st.Nodes = s.st.Nodes[:len(s.st.Nodes)-1]
		return nil, err
	}
	n := s.st.node(name)
	if err := createNS(n.Path, kind == KindHost); err != nil {
		s.st.Nodes = s.st.Nodes[:len(s.st.Nodes)-1]
		writeState(s.dir, s.st)
		return nil, err
	}
	return n, nil
}

// dropNode removes a node's namespace, then forgets it.
func (s *Session) dropNode(name string) error {
	n := s.st.node(name)
	if n == nil {
		return nil
	}
	// Its servers end with it, as a container's processes do: one left
	// running would hold the namespace, and its links, alive.
	for _, r := range append([]Server(nil), s.st.Servers...) {
		if r.Node == name {
			s.stopServer(r)
		}
	}
	if x, err := s.ctx(name); err == nil {
		if err := releaseLinkNet(x.h); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	s.dropHandle(name)
	dying, err := s.peersOf(n)
	if err != nil {
		return err
	}
	if err := removeNS(n.Path, false); err != nil {
		return err
	}
	s.st.Dying = append(s.st.Dying, dying...)
	for i := range s.st.Nodes {
		if s.st.Nodes[i].Name == name {
			s.st.Nodes = append(s.st.Nodes[:i], s.st.Nodes[i+1:]...)
			break
		}
	}
	delete(s.st.IptDirty, name)
	delete(s.st.Names, name) // a namespace made again under the name starts with none
	return writeState(s.dir, s.st)
}

// pruneMissing forgets nodes whose namespace file is not mounted: a crash
// between recording a node and creating it (or between removing it and
// forgetting it) leaves one. Their placeholder files are removed.
func (s *Session) pruneMissing() error {
	if s.lockFile == nil {
		return nil // only under the lock: another process may be creating one
	}
	kept := s.st.Nodes[:0]
	changed := false
	for _, n := range s.st.Nodes {
		ok, err := ns.IsNSMount(n.Path)
		if err != nil {
			return err
		}
		if ok {
			kept = append(kept, n)
			continue
		}
		os.Remove(n.Path)
		delete(s.st.Names, n.Name)
		s.dropHandle(n.Name)
		changed = true
	}
	s.st.Nodes = kept
	if changed {
		return writeState(s.dir, s.st)
	}
	return nil
}

// removeAll deletes every recorded node (children first) and the state.
func (s *Session) removeAll() error {
	s.stopAllServers()
	s.Close()
	var errs []error
	nodes := append([]Node(nil), s.st.Nodes...)
	sort.SliceStable(nodes, func(i, j int) bool { return nodes[i].Kind == KindNetns && nodes[j].Kind != KindNetns })
	for _, n := range nodes {
		if err := removeNS(n.Path, true); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	os.Remove(filepath.Join(s.dir, "netns"))
	removeHostsFiles(s.dir)
	os.Remove(journalPath(s.dir))
	removeOwnTemps(s.dir)
	if err := os.Remove(statePath(s.dir)); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// sweep removes, when the state cannot be read, what netlab mounted under
// its run directory: the nsfs mounts /proc/thread-self/mountinfo lists in
// dir/netns (links first, so veth peers go too), placeholder files there,
// then the damaged state and the temporary files.
func (s *Session) sweep() (int, error) {
	if err := checkNetnsDir(s.dir); err != nil {
		return 0, fmt.Errorf("refusing to reset: %w", err)
	}
	sweepServers(s.dir)
	mounts, err := nsMounts(s.dir)
	if err != nil {
		return 0, err
	}
	var errs []error
	names := make([]string, 0, len(mounts))
	for name := range mounts {
		names = append(names, name)
	}
	sort.Strings(names)
	removed := 0
	for _, name := range names {
		if err := removeNS(nsPath(s.dir, name), true); err != nil {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	if entries, err := os.ReadDir(filepath.Join(s.dir, "netns")); err == nil {
		for _, e := range entries {
			// Placeholders of a crash before the bind mount: empty files.
			if fi, err := e.Info(); err == nil && e.Type().IsRegular() && fi.Size() == 0 && validName(e.Name()) {
				if _, mounted := mounts[e.Name()]; !mounted {
					os.Remove(nsPath(s.dir, e.Name()))
				}
			}
		}
	}
	if len(errs) > 0 {
		return removed, errors.Join(errs...)
	}
	os.Remove(filepath.Join(s.dir, "netns"))
	removeHostsFiles(s.dir)
	os.Remove(journalPath(s.dir))
	removeOwnTemps(s.dir)
	if err := os.Remove(statePath(s.dir)); err != nil && !os.IsNotExist(err) {
		return removed, err
	}
	return removed, nil
}

// Reset removes everything the session in dir (RunDir() when empty)
// recorded: its namespaces, their bind mounts and the state. It is
// idempotent, works after a crash, and removes nothing it did not record.
func Reset(dir string) error {
	_, err := ResetReport(dir)
	return err
}

// ResetSummary says what a reset removed, for "netlab reset" to tell.
type ResetSummary struct {
	Lab        string // the lab id the state recorded; "" when none was readable
	Namespaces int    // namespaces removed (lab hosts and the namespaces steps made)
	Scratch    int    // throwaway "netlab test" sessions removed
}

// String is the line netlab reset prints: "removed lab bridge: 4
// namespaces", or "nothing to remove".
func (r ResetSummary) String() string {
	if r.Namespaces == 0 && r.Scratch == 0 && r.Lab == "" {
		return "nothing to remove"
	}
	var parts []string
	if r.Lab != "" || r.Namespaces > 0 {
		what := "removed lab " + r.Lab
		if r.Lab == "" {
			what = "removed an unreadable session"
		}
		parts = append(parts, fmt.Sprintf("%s: %d %s", what, r.Namespaces, plural(r.Namespaces, "namespace", "namespaces")))
	}
	if r.Scratch > 0 {
		what := fmt.Sprintf("%d %s of netlab test", r.Scratch, plural(r.Scratch, "session", "sessions"))
		if len(parts) == 0 {
			what = "removed " + what
		}
		parts = append(parts, what)
	}
	return strings.Join(parts, "; ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ResetReport is Reset, and says what it removed.
func ResetReport(dir string) (ResetSummary, error) {
	var sum ResetSummary
	if dir == "" {
		dir = RunDir()
	}
	if err := claimDir(dir, true); err != nil {
		return sum, err
	}
	s := &Session{dir: dir, handles: map[string]*netlink.Handle{}}
	s.ctl.stopSteps = true // a step may run for hours: its lock wait stops it (cancel.go)
	if err := s.lock(); err != nil {
		return sum, err
	}
	defer s.unlock()
	if err := dropPlantedNetnsLink(dir); err != nil {
		return sum, err
	}
	var errs []error
	n, err := resetScratch(dir)
	sum.Scratch = n
	if err != nil {
		errs = append(errs, err)
	}
	st, err := readState(dir)
	if errors.Is(err, ErrNoSession) {
		// Still sweep: a crash can leave mounts or temp files before the
		// first state was written.
		swept, err := s.sweep()
		sum.Namespaces = swept
		return sum, errors.Join(append(errs, err)...)
	}
	var damaged *DamagedError
	if errors.As(err, &damaged) {
		swept, err := s.sweep()
		sum.Namespaces = swept
		return sum, errors.Join(append(errs, err)...)
	}
	if err != nil {
		return sum, errors.Join(append(errs, err)...)
	}
	s.st = st
	sum.Lab = st.Meta["lab"]
	if err := s.removeAll(); err != nil {
		return sum, errors.Join(append(errs, err)...)
	}
	sum.Namespaces = len(st.Nodes)
	// What the state did not record (a crash between mounting and
	// recording cannot happen, but a hand-edited state can omit nodes).
	swept, err := s.sweep()
	sum.Namespaces += swept
	return sum, errors.Join(append(errs, err)...)
}

// ScratchDir makes a private run directory for a throwaway session (the
// headless "netlab test") under dir, so that "netlab reset" finds it even
// if its process is killed.
func ScratchDir(dir string) (string, error) {
	if dir == "" {
		dir = RunDir()
	}
	if err := claimDir(dir, true); err != nil {
		return "", err
	}
	parent := filepath.Join(dir, "scratch")
	for try := 0; ; try++ {
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return "", err
		}
		// Another test ending meanwhile removes the scratch folder when
		// it is empty: make it again and retry.
		sub, err := os.MkdirTemp(parent, "test-")
		if err == nil || !errors.Is(err, fs.ErrNotExist) || try == 4 {
			return sub, err
		}
	}
}

// resetScratch resets every throwaway session under dir/scratch, each from
// its own recorded state, and removes their directories.
func resetScratch(dir string) (int, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "scratch"))
	if err != nil {
		return 0, nil
	}
	var errs []error
	n := 0
	for _, e := range entries {
		sub := filepath.Join(dir, "scratch", e.Name())
		sum, err := ResetReport(sub)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if sum.Namespaces > 0 || sum.Lab != "" {
			n++
		}
		os.Remove(filepath.Join(sub, "lock"))
		os.Remove(sub)
	}
	os.Remove(filepath.Join(dir, "scratch"))
	return n, errors.Join(errs...)
}

// lock takes the machine-wide netlab lock (an flock on dir/lock). When
// another netlab process holds it, lock says once on WaitNotice what that
// process is doing and waits for it, until the session's context (see
// SetContext) is cancelled.
func (s *Session) lock() error {
	f, err := s.openLock()
	if err != nil {
		return err
	}
	if err := s.waitFlock(f); err != nil {
		f.Close()
		return err
	}
	s.lockFile = f
	if s.ctl.stopSteps {
		os.Remove(shellMarkPath(s.dir)) // Reset: the mark goes with the session
	}
	return nil
}

// openLock opens the lock file, dir/lock, making it and dir if need be.
func (s *Session) openLock() (*os.File, error) {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(filepath.Join(s.dir, "lock"), os.O_RDWR|os.O_CREATE, 0o644)
}

// unlock releases the lock lock took.
func (s *Session) unlock() {
	if s.lockFile != nil {
		unix.Flock(int(s.lockFile.Fd()), unix.LOCK_UN)
		s.lockFile.Close()
		s.lockFile = nil
	}
}

// Busy reports whether another netlab process is in the middle of an
// operation on this session (it holds the lock). A journalled step that is
// not busy was interrupted.
func (s *Session) Busy() bool {
	f, err := os.OpenFile(filepath.Join(s.dir, "lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return true
	}
	unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return false
}

// locked runs fn holding the lock with freshly read state, then saves it.
func (s *Session) locked(fn func() error) error {
	s.awaitAhead()
	if err := s.lock(); err != nil {
		return err
	}
	return s.held(fn)
}

// held is locked once the lock is taken: it releases it. A shell's mark
// left while another process held the lock (MarkShellUsedNoWait) is
// applied first, and removed once the state that holds it is saved.
func (s *Session) held(fn func() error) error {
	defer s.unlock()
	if err := s.Refresh(); err != nil {
		return err
	}
	marked := s.applyShellMark()
	ferr := fn()
	raw, err := writeStateRaw(s.dir, s.st)
	if s.raw = raw; err != nil {
		s.raw = nil
	}
	if err != nil && ferr == nil {
		return err
	} else if err == nil && marked {
		os.Remove(shellMarkPath(s.dir))
	}
	return ferr
}
