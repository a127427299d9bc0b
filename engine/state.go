package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// DefaultDir is where netlab keeps its session, journal and namespace
// files. NETLAB_RUN overrides it (tests use throwaway directories).
const DefaultDir = "/run/netlab"

// RunDir returns the run directory in force.
func RunDir() string {
	if d := os.Getenv("NETLAB_RUN"); d != "" {
		return d
	}
	return DefaultDir
}

// Node kinds.
const (
	KindHost  = "host"  // a lab host: stands in for a machine
	KindNetns = "netns" // a namespace created by "ip netns add" on a host
)

// Node is one network namespace of the lab.
//
// Each lab host has its own "ip netns" names, as two machines do, so a
// name need not be unique in the lab: Name is the node's id, unique in
// the lab and the file name under RUN/netns/. It is the name itself,
// unless a node of that id exists already, on another host: then it is
// the name qualified by its host, "NAME@HOST", and Local holds the name
// as "ip netns" knows it on that host.
type Node struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`             // KindHost or KindNetns
	Parent string `json:"parent,omitempty"` // the host whose "ip netns add" made it
	Path   string `json:"path"`             // the bind-mounted namespace file
	Local  string `json:"local,omitempty"`  // its "ip netns" name when Name is qualified
}

// NetnsName is the node's name on its host, as "ip netns list" prints it.
func (n *Node) NetnsName() string {
	if n.Local != "" {
		return n.Local
	}
	return n.Name
}

// qualify is the id of a namespace named name on host: "NAME@HOST".
func qualify(name, host string) string { return name + "@" + host }

// AppliedStep is a step that has run, with what undo needs.
type AppliedStep struct {
	Index  int       `json:"index"`   // the lab's step index
	Title  string    `json:"title"`   // for status output
	ByHand bool      `json:"by_hand"` // done by the student in a shell
	Before *Snapshot `json:"before"`  // the lab before the step
	At     time.Time `json:"at"`      // when it was applied
	Output []string  `json:"-"`       // not persisted

	// Skipped is why the step was passed over with nothing applied ("" when it ran).
	Skipped string `json:"skipped,omitempty"`
}

// DyingLink is a veth whose peer's namespace was deleted: the kernel
// removes it in the background, and snapshots wait until it has.
type DyingLink struct {
	Node  string `json:"node"`
	Index int    `json:"index"`
	Name  string `json:"name"`
}

// RunningStep is the journal entry of a step in progress. If netlab dies
// while it is set, the session is "interrupted" at Command.
type RunningStep struct {
	Index   int       `json:"index"`
	Title   string    `json:"title"`
	Command int       `json:"command"`           // index of the command being run
	Text    string    `json:"text"`              // its text
	Undoing bool      `json:"undoing"`           // an undo or rollback was in progress
	UndoOf  bool      `json:"undo_of,omitempty"` // the undo of the last applied step (not a rollback)
	Before  *Snapshot `json:"before"`
	Started time.Time `json:"started"`
	// The process applying or undoing the step, so that "netlab reset"
	// from another terminal can stop it: its pid and its start time
	// (/proc/PID/stat, clock ticks since boot), which tells a reused pid
	// apart. Untrusted like the rest: see runningHolder in cancel.go.
	PID      int    `json:"pid,omitempty"`
	PIDStart uint64 `json:"pid_start,omitempty"`
}

// State is everything a session persists, rewritten atomically after every
// operation so that another process can continue, undo or reset it.
type State struct {
	Version  int                   `json:"version"`
	Meta     map[string]string     `json:"meta,omitempty"` // the caller's: lab id, file, ...
	Nodes    []Node                `json:"nodes"`
	Applied  []AppliedStep         `json:"applied"`
	Running  *RunningStep          `json:"running,omitempty"`
	IptDirty map[string]bool       `json:"iptables_touched,omitempty"` // nodes whose iptables may be non-empty
	Sysctls  []string              `json:"sysctls,omitempty"`          // keys commands wrote
	Dying    []DyingLink           `json:"dying,omitempty"`            // veth peers of deleted namespaces, until the kernel reaps them
	Setup    *SetupProgress        `json:"setup,omitempty"`            // set while the lab's setup runs
	Servers  []Server              `json:"servers,omitempty"`          // servers lab commands started (server.go)
	Names    map[string][]HostLine `json:"names,omitempty"`            // node -> its names table, as /etc/hosts lines (op_names.go)
	Aliases  map[string]string     `json:"aliases,omitempty"`          // names sharing a node's namespace (Spec.Aliases)
	Created  time.Time             `json:"created"`
}

// SetupProgress is the journal of a lab's setup ("netlab start"): set
// before the first namespace is created and cleared when setup has
// finished, so a session whose setup was killed says so.
type SetupProgress struct {
	Command int    `json:"command"` // index of the setup command being run (-1: creating the hosts)
	Text    string `json:"text"`
	Total   int    `json:"total"`
}

const stateVersion = 1

func statePath(dir string) string { return filepath.Join(dir, "session.json") }

// nsPath is where a node's namespace file lives.
func nsPath(dir, name string) string { return filepath.Join(dir, "netns", name) }

// ErrNoSession is returned when no session state exists.
var ErrNoSession = errors.New("no lab session is running")

func readState(dir string) (*State, error) {
	st, _, err := readStateRaw(dir)
	return st, err
}

// readStateRaw is readState that also returns the file's bytes, which
// Refresh compares with the next read to skip parsing an unchanged state.
func readStateRaw(dir string) (*State, []byte, error) {
	b, err := readStateFile(dir)
	if os.IsNotExist(err) {
		return nil, nil, ErrNoSession
	}
	if err != nil {
		return nil, nil, err
	}
	st, err := parseState(dir, b)
	return st, b, err
}

// parseState decodes and checks a state file's bytes.
func parseState(dir string, b []byte) (*State, error) {
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, &DamagedError{Path: statePath(dir), Err: err}
	}
	if st.IptDirty == nil {
		st.IptDirty = map[string]bool{}
	}
	if err := st.validate(dir); err != nil {
		return nil, &DamagedError{Path: statePath(dir), Err: err}
	}
	st.applyJournal(dir)
	return &st, nil
}

// writeState replaces the state file atomically (see writeStateFile).
// The swap is what protects against a netlab process killed mid-write; an
// fsync would only guard against power loss, after which /run and the
// namespaces are gone anyway, so it is left out (it costs milliseconds per
// command on a disk-backed /run).
func writeState(dir string, st *State) error {
	_, err := writeStateRaw(dir, st)
	return err
}

// writeStateRaw is writeState that also returns the bytes written. A
// file that already holds exactly those bytes is left as it is (see
// holdsState), so an operation that changed nothing (a snapshot, a check)
// writes nothing.
func writeStateRaw(dir string, st *State) ([]byte, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	b, err := encodeState(st)
	if err != nil {
		return nil, err
	}
	if holdsState(dir, b) {
		return b, nil
	}
	return b, writeStateFile(dir, b)
}

// journal is the small record of which command of the running step is in
// progress, rewritten before each command instead of the whole state.
type journal struct {
	Started time.Time `json:"started"`
	Command int       `json:"command"`
	Text    string    `json:"text"`
}

func journalPath(dir string) string { return filepath.Join(dir, "journal.json") }

// writeJournal overwrites the journal in place, padded with spaces to the
// file's length, instead of writing a new file and renaming it over the
// old: on ext4 each such rename also starts writing the new file out,
// which cost more than the rest of a fast command under I/O load. The
// journal only refines the state's record of the running step, so a
// reader that catches a write half done (its JSON does not parse, or
// names another step) just falls back to that record (applyJournal). A
// symbolic link in its place is refused, not followed.
func writeJournal(dir string, j journal) error {
	w := journalWriter{dir: dir}
	err := w.write(j)
	if cerr := w.close(); err == nil {
		err = cerr
	}
	return err
}

// journalWriter writes the journal as writeJournal does, keeping the file
// open between writes: a step's commands are journalled one after the
// other, and opening the file each time cost more than writing it.
type journalWriter struct {
	dir  string
	f    *os.File
	size int64 // the file's length; only this writer writes it while the session is locked
}

func (w *journalWriter) write(j journal) error {
	b, _ := json.Marshal(j)
	if w.f == nil {
		f, err := os.OpenFile(journalPath(w.dir), os.O_WRONLY|os.O_CREATE|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
		if err != nil {
			return err
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return err
		}
		w.f, w.size = f, fi.Size()
	}
	if w.size > int64(len(b)) {
		b = append(b, bytes.Repeat([]byte{' '}, int(w.size)-len(b))...)
	}
	_, err := w.f.WriteAt(b, 0)
	w.size = max(w.size, int64(len(b)))
	return err
}

// close closes the file, if open.
func (w *journalWriter) close() error {
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}

// applyJournal fills the running step's current command from the journal
// when the journal belongs to it.
func (st *State) applyJournal(dir string) {
	if st.Running == nil {
		return
	}
	b, err := os.ReadFile(journalPath(dir))
	if err != nil {
		return
	}
	var j journal
	if json.Unmarshal(b, &j) == nil && j.Started.Equal(st.Running.Started) {
		st.Running.Command, st.Running.Text = j.Command, j.Text
	}
}

func (st *State) node(name string) *Node {
	for i := range st.Nodes {
		if st.Nodes[i].Name == name {
			return &st.Nodes[i]
		}
	}
	return nil
}

// hostOf is the lab host a node belongs to: itself for a host, else the
// host of the node whose "ip netns add" made it (parents are followed a
// bounded number of times: a state file is untrusted).
func (st *State) hostOf(n *Node) string {
	for range len(st.Nodes) + 1 {
		if n.Kind == KindHost || n.Parent == "" {
			return n.Name
		}
		p := st.node(n.Parent)
		if p == nil {
			return n.Parent
		}
		n = p
	}
	return ""
}

// netnsOn is the namespace that "ip netns" calls name on host, or nil.
func (st *State) netnsOn(host, name string) *Node {
	for i := range st.Nodes {
		n := &st.Nodes[i]
		if n.Kind == KindNetns && n.NetnsName() == name && st.hostOf(n) == host {
			return n
		}
	}
	return nil
}

// multiHost reports whether the lab has more than one host.
func (st *State) multiHost() bool {
	hosts := 0
	for _, n := range st.Nodes {
		if n.Kind == KindHost {
			hosts++
		}
	}
	return hosts > 1
}

// NodeNames lists the nodes in creation order.
func (st *State) NodeNames() []string {
	var names []string
	for _, n := range st.Nodes {
		names = append(names, n.Name)
	}
	return names
}

func hostListed(nodes []Node, name string) bool {
	for _, n := range nodes {
		if n.Kind == KindHost && n.Name == name {
			return true
		}
	}
	return false
}

// touchSysctl records a key commands write; it reports whether the key is
// new.
func (st *State) touchSysctl(key string) bool {
	for _, k := range st.Sysctls {
		if k == key {
			return false
		}
	}
	st.Sysctls = append(st.Sysctls, key)
	return true
}

// DamagedError is returned when the session state cannot be trusted: it
// does not parse, or names something that is not a plain node name.
// "netlab reset" still works then: it removes what netlab mounted under
// its run directory.
type DamagedError struct {
	Path string
	Err  error
}

// Error names the damaged file and says how to get rid of the lab.
func (e *DamagedError) Error() string {
	return fmt.Sprintf("session state %s is damaged (%v); run 'netlab reset' to remove the lab", e.Path, e.Err)
}

// Unwrap is the error reading or checking the file.
func (e *DamagedError) Unwrap() error { return e.Err }

// validate checks what a state file read back may not contain: node
// names that are paths, paths netlab would not have built, unknown kinds,
// references to nodes that do not exist.
func (st *State) validate(dir string) error {
	seen := map[string]bool{}
	for _, n := range st.Nodes {
		if !validName(n.Name) {
			return fmt.Errorf("node name %q is not a plain name", n.Name)
		}
		if seen[n.Name] {
			return fmt.Errorf("node %q is listed twice", n.Name)
		}
		seen[n.Name] = true
		if n.Kind != KindHost && n.Kind != KindNetns {
			return fmt.Errorf("node %q has unknown kind %q", n.Name, n.Kind)
		}
		if n.Local != "" {
			// A qualified id is exactly LOCAL@HOST of a lab host.
			host, ok := strings.CutPrefix(n.Name, n.Local+"@")
			if n.Kind != KindNetns || !validName(n.Local) || !ok || !hostListed(st.Nodes, host) {
				return fmt.Errorf("node %q is not namespace %q qualified by a lab host", n.Name, n.Local)
			}
		}
		if n.Path != nsPath(dir, n.Name) {
			return fmt.Errorf("node %s points at %s, outside %s", n.Name, n.Path, filepath.Join(dir, "netns"))
		}
		if err := checkNSPath(dir, n.Path); err != nil {
			return err
		}
	}
	for _, n := range st.Nodes {
		if n.Parent != "" && !validName(n.Parent) {
			return fmt.Errorf("node %q has parent %q, not a plain name", n.Name, n.Parent)
		}
	}
	for name := range st.IptDirty {
		if !validName(name) {
			return fmt.Errorf("iptables record for %q, not a plain name", name)
		}
	}
	for node, lines := range st.Names {
		if !validName(node) {
			return fmt.Errorf("names of %q, not a plain name", node)
		}
		for _, l := range lines {
			if !l.valid() {
				return fmt.Errorf("names of %s: %q is not an address and host names", node, l.Addr+" "+strings.Join(l.Names, " "))
			}
		}
	}
	for _, d := range st.Dying {
		if !validName(d.Node) {
			return fmt.Errorf("dying link on %q, not a plain name", d.Node)
		}
	}
	for _, r := range st.Servers {
		if !validName(r.Node) {
			return fmt.Errorf("server on %q, not a plain name", r.Node)
		}
	}
	if err := checkAliases(Spec{Aliases: st.Aliases}); err != nil {
		return err
	}
	for a := range st.Aliases {
		if seen[a] {
			return fmt.Errorf("alias %q is also a node", a)
		}
	}
	return nil
}
