package engine

import (
	"testing"

	"github.com/netlab/netlab/engine/privtest"
)

// needRoot applies the privileged-test rule (skip, or fail in CI).
func needRoot(t testing.TB) { t.Helper(); privtest.Need(t) }

// mustParse parses a command or fails the test.
func mustParse(t testing.TB, line string) *Command {
	t.Helper()
	c, err := Parse(line)
	if err != nil {
		t.Fatalf("parse %q: %v", line, err)
	}
	return c
}

// newLab creates a throwaway session in its own run directory and removes
// it when the test ends.
func newLab(t testing.TB, spec Spec) *Session {
	t.Helper()
	needRoot(t)
	dir := t.TempDir()
	s, err := Create(dir, spec)
	if err != nil {
		t.Fatalf("create lab: %v", err)
	}
	t.Cleanup(func() {
		s.Close()
		if err := Reset(dir); err != nil {
			t.Errorf("reset: %v", err)
		}
	})
	return s
}

// step builds a Step from command lines.
func step(t testing.TB, title string, lines ...string) Transaction {
	t.Helper()
	st := Transaction{Title: title}
	for _, l := range lines {
		st.Commands = append(st.Commands, mustParse(t, l))
	}
	return st
}

// applyNext applies st as the session's next step.
func applyNext(s *Session, st Transaction) ([]Result, error) {
	if err := s.Refresh(); err != nil {
		return nil, err
	}
	st.Index = len(s.State().Applied)
	return s.ApplyStep(st)
}
