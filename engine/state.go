package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
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
type Node struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`             // KindHost or KindNetns
	Parent string `json:"parent,omitempty"` // the host whose "ip netns add" made it
	Path   string `json:"path"`             // the bind-mounted namespace file
}

// AppliedStep is a step that has run, with what undo needs.
type AppliedStep struct {
	Index  int       `json:"index"`   // the lab's step index
	Title  string    `json:"title"`   // for status output
	ByHand bool      `json:"by_hand"` // done by the student in a shell
	Before *Snapshot `json:"before"`  // the lab before the step
	At     time.Time `json:"at"`      // when it was applied
	Output []string  `json:"-"`       // not persisted
}

// RunningStep is the journal entry of a step in progress. If netlab dies
// while it is set, the session is "interrupted" at Command.
type RunningStep struct {
	Index   int       `json:"index"`
	Title   string    `json:"title"`
	Command int       `json:"command"` // index of the command being run
	Text    string    `json:"text"`    // its text
	Undoing bool      `json:"undoing"` // an undo or rollback was in progress
	Before  *Snapshot `json:"before"`
	Started time.Time `json:"started"`
}

// State is everything a session persists, rewritten atomically after every
// operation so that another process can continue, undo or reset it.
type State struct {
	Version  int               `json:"version"`
	Meta     map[string]string `json:"meta,omitempty"` // the caller's: lab id, file, ...
	Nodes    []Node            `json:"nodes"`
	Applied  []AppliedStep     `json:"applied"`
	Running  *RunningStep      `json:"running,omitempty"`
	IptDirty map[string]bool   `json:"iptables_touched,omitempty"` // nodes whose iptables may be non-empty
	Sysctls  []string          `json:"sysctls,omitempty"`          // keys commands wrote
	Created  time.Time         `json:"created"`
}

const stateVersion = 1

func statePath(dir string) string { return filepath.Join(dir, "session.json") }

// nsPath is where a node's namespace file lives.
func nsPath(dir, name string) string { return filepath.Join(dir, "netns", name) }

// ErrNoSession is returned when no session state exists.
var ErrNoSession = errors.New("no lab session is running")

func readState(dir string) (*State, error) {
	b, err := os.ReadFile(statePath(dir))
	if os.IsNotExist(err) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("session state %s is damaged (%v); run 'netlab reset'", statePath(dir), err)
	}
	if st.IptDirty == nil {
		st.IptDirty = map[string]bool{}
	}
	return &st, nil
}

// writeState replaces the state file atomically (write, fsync, rename).
func writeState(dir string, st *State) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".session-*.json")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	tmp.Close()
	return os.Rename(tmp.Name(), statePath(dir))
}

func (st *State) node(name string) *Node {
	for i := range st.Nodes {
		if st.Nodes[i].Name == name {
			return &st.Nodes[i]
		}
	}
	return nil
}

// NodeNames lists the nodes in creation order.
func (st *State) NodeNames() []string {
	var names []string
	for _, n := range st.Nodes {
		names = append(names, n.Name)
	}
	return names
}

func (st *State) touchSysctl(key string) {
	for _, k := range st.Sysctls {
		if k == key {
			return
		}
	}
	st.Sysctls = append(st.Sysctls, key)
}
