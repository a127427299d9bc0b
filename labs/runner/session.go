package runner

import (
	"fmt"
	"path/filepath"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
)

// Lesson is a running lab: the engine session and the lab it plays. The
// engine session is its own: the TUI and the command line ask the Lesson
// (Snapshot, Progress, Nodes, Targets, Enter, ...), never the engine behind it.
type Lesson struct {
	eng *engine.Session
	Lab *labs.Lab
}

// Meta keys stored with the engine session.
const (
	metaLab   = "lab"
	metaFile  = "file"
	metaTitle = "title"
)

// Spec turns a lab's hosts and setup into the engine's session spec.
func Spec(lab *labs.Lab) engine.Spec {
	spec := engine.Spec{Hosts: lab.Nodes, Aliases: lab.Aliases, Meta: map[string]string{metaLab: lab.ID, metaTitle: lab.Title}}
	if !lab.BuiltIn {
		// Absolute, so the session reloads it from any directory.
		file, err := filepath.Abs(lab.File)
		if err != nil {
			file = lab.File
		}
		spec.Meta[metaFile] = file
	}
	for _, n := range lab.Names {
		if spec.Names == nil {
			spec.Names = map[string][]engine.HostLine{}
		}
		spec.Names[n.Node] = append(spec.Names[n.Node], engine.HostLine{Addr: n.Addr, Names: []string{n.Name}})
	}
	for _, su := range lab.Setup {
		for _, c := range su.Commands {
			spec.Setup = append(spec.Setup, engine.NodeCommand{Node: su.Node, Command: engine.Bind(c.Parsed)})
		}
	}
	return spec
}

// Start creates the lab's session in dir (engine.RunDir() when empty): its
// hosts and setup, no step applied yet.
func Start(lab *labs.Lab, dir string) (*Lesson, error) {
	eng, err := engine.Create(dir, Spec(lab))
	if err != nil {
		return nil, err
	}
	return &Lesson{eng: eng, Lab: lab}, nil
}

// Open attaches to the running session in dir and reloads its lab (from
// its file, or the built-in of that id; labsDir is the instructor's).
func Open(dir, labsDir string) (*Lesson, error) {
	eng, err := engine.Open(dir)
	if err != nil {
		return nil, err
	}
	meta := eng.State().Meta
	ref := meta[metaFile]
	if ref == "" {
		ref = meta[metaLab]
	}
	lab, err := labs.Find(ref, labsDir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", i18n.T("runner.open.cannot_load", "the running session plays lab {{.Lab}}, which cannot be loaded", "Lab", q(ref)), err)
	}
	return &Lesson{eng: eng, Lab: lab}, nil
}

// Close releases the session's handles; the lab keeps running.
func (s *Lesson) Close() { s.eng.Close() }

// Applied is the number of steps applied: the index of the next step.
func (s *Lesson) Applied() int { return len(s.eng.State().Applied) }

// Progress re-reads the persisted state (another netlab process may have
// stepped or undone since) and lists the applied steps, in order.
func (s *Lesson) Progress() ([]StepState, error) {
	if err := s.eng.Refresh(); err != nil {
		return nil, err
	}
	return appliedSteps(s.eng.State()), nil
}

// appliedSteps lists st's applied steps as people count them (from 1).
func appliedSteps(st engine.State) []StepState {
	var out []StepState
	for _, a := range st.Applied {
		out = append(out, StepState{Index: a.Index + 1, Title: a.Title, ByHand: a.ByHand, Skipped: a.Skipped})
	}
	return out
}

// Snapshot reads the lab's kernel state as it is now.
func (s *Lesson) Snapshot() (*engine.Snapshot, error) { return s.eng.Snapshot() }

// Waiting reports whether the session is waiting for another netlab
// process to release the lab (a Ctrl-C then stops the wait at once).
func (s *Lesson) Waiting() bool { return s.eng.Waiting() }

// Done reports whether every step has been applied.
func (s *Lesson) Done() bool { return s.Applied() >= len(s.Lab.Steps) }

// Transaction turns lab step i into an engine step.
func (s *Lesson) Transaction(i int) engine.Transaction {
	st := s.Lab.Steps[i]
	es := engine.Transaction{Index: i, Title: st.Title, Node: st.Node}
	for _, c := range st.Commands {
		es.Commands = append(es.Commands, engine.Bind(c.Parsed))
	}
	return es
}

// ErrAllDone is returned by Step when every step is applied. Its text is
// in the language of the moment it is printed.
var ErrAllDone error = allDone{}

type allDone struct{}

func (allDone) Error() string {
	return i18n.T("runner.all_done", "every step of the lab is applied; 'netlab undo' goes back, 'netlab reset' ends the lab")
}
