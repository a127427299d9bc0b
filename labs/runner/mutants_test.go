package runner

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/netlab/netlab/labs"
)

// mutate turns expectation i of the step into its opposite, or removes it
// when it is an expected failure: the mutant lab says something false.
// Variant 0 is that mutation; an http: expectation has more (variant 1
// changes its contains text, 2 its status), made when it has them. It
// returns a description of the mutation, "-" when the variant does not
// apply to this expectation, or "" when there are no more variants (a
// new kind must get a variant 0).
func mutate(st *labs.Step, i, variant int) string {
	e := &st.Expect[i]
	if variant > 0 {
		return mutateMore(e, variant)
	}
	switch e.Kind {
	case labs.ExpectSeen:
		e.Kind = labs.ExpectNotSeen
		return fmt.Sprintf("seen %q -> not_seen", e.Text)
	case labs.ExpectNotSeen:
		e.Kind = labs.ExpectSeen
		return fmt.Sprintf("not_seen %q -> seen", e.Text)
	case labs.ExpectPing:
		e.PingOK = !e.PingOK
		return fmt.Sprintf("ping %v -> %v", map[bool]string{true: "fail", false: "ok"}[e.PingOK], map[bool]string{true: "ok", false: "fail"}[e.PingOK])
	case labs.ExpectState:
		e.Not = !e.Not
		return fmt.Sprintf("state %q contains <-> not_contains %q", e.State.Text, e.Text)
	case labs.ExpectFails:
		st.Expect = append(st.Expect[:i:i], st.Expect[i+1:]...)
		return fmt.Sprintf("expected failure of command %d removed", e.Command)
	case labs.ExpectHTTP:
		was := e.Outcome
		e.Outcome, e.Status, e.Text = labs.HTTPOK, 0, ""
		if was == labs.HTTPOK {
			e.Outcome = labs.HTTPRefused
		}
		return fmt.Sprintf("http %s -> %s", was, e.Outcome)
	case labs.ExpectTCP:
		was := e.Outcome
		e.Outcome = labs.TCPConnects
		if was == labs.TCPConnects {
			e.Outcome = labs.TCPRefused
		}
		return fmt.Sprintf("tcp %s -> %s", was, e.Outcome)
	}
	return ""
}

// mutateMore makes the further variants of an http: expectation: its
// contains text changed to one the output lacks (1), its status changed
// to another of the same class (2).
func mutateMore(e *labs.Expect, variant int) string {
	if e.Kind != labs.ExpectHTTP {
		return ""
	}
	switch {
	case variant == 1 && e.Text != "":
		was := e.Text
		e.Text = "mutant " + was
		return fmt.Sprintf("http contains %q -> %q", was, e.Text)
	case variant == 2 && e.Status != 0:
		was := e.Status
		e.Status = was + 1
		return fmt.Sprintf("http status %d -> %d", was, e.Status)
	case variant <= 2:
		return "-"
	}
	return ""
}

// TestEveryExpectationCanFail is issue 17's proof that netlab test never
// passes what it did not see: every built-in lab and every example of the
// docs, with one expectation turned into its opposite (seen <-> not_seen,
// ping ok <-> fail, state contains <-> not_contains, http ok <-> refused
// and its other outcomes -> ok, tcp connects <-> refused and timeout ->
// connects; an http contains text or status changed) or an expected
// failure removed, must fail netlab test. A mutant that passes is an
// expectation that could never have failed.
//
// A mutant is played up to the step it mutates: later steps cannot make
// a failed step pass, and the bound keeps the test to about a minute.
// With -short, the docs' examples and the first built-in lab only (the
// issue allows one lab per package test; make chaos can run them all).
// NETLAB_MUTANT_LAB=ID runs the mutants of that built-in lab alone, while
// a lab is being written. A step the kernel cannot do (skip.go) is
// skipped by the lab as written too: its expectations are not judged on
// this kernel, so they make no mutants here.
func TestEveryExpectationCanFail(t *testing.T) {
	isolate(t)
	type source struct {
		name string
		load func() (*labs.Lab, error)
	}
	var sources []source
	doc, err := os.ReadFile("../../docs/lab-format.md")
	if err != nil {
		t.Fatal(err)
	}
	// NETLAB_MUTANT_LAB=ID runs the mutants of that built-in lab alone
	// (while writing a lab); CI leaves it unset.
	only := os.Getenv("NETLAB_MUTANT_LAB")
	for _, heading := range []string{"### A complete example", "### Expecting a failure", "### Expecting what a client meets"} {
		if only != "" {
			break
		}
		example := codeBlock(t, string(doc), heading, "yaml")
		sources = append(sources, source{"docs " + heading[4:], func() (*labs.Lab, error) { return labs.Load("example.yaml", []byte(example)) }})
	}
	builtins, err := labs.BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	if len(builtins) == 0 {
		t.Fatal("no built-in labs")
	}
	for _, b := range builtins {
		id := b.ID
		if only != "" && id != only {
			continue
		}
		sources = append(sources, source{"built-in " + id, func() (*labs.Lab, error) {
			all, err := labs.BuiltIn()
			if err != nil {
				return nil, err
			}
			for _, l := range all {
				if l.ID == id {
					return l, nil
				}
			}
			return nil, fmt.Errorf("no built-in lab %q", id)
		}})
		if testing.Short() {
			break
		}
	}
	// Mutants run four at a time, each in a scratch session of its own:
	// most of their time is spent waiting on the wire (a ping or a curl
	// that gets no answer), not on the CPU.
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	mutants, killed := 0, 0
	for _, src := range sources {
		lab, err := src.load()
		if err != nil {
			t.Fatalf("%s: %v", src.name, err)
		}
		// A kill means something only if the lab as written passes.
		written := Test(lab, nil)
		if res := written; !res.OK {
			t.Fatalf("%s fails as written, so its mutants prove nothing:\n%s\n%s", src.name, res.Text(), failures(res))
		}
		lab, _ = src.load()
		for si, st := range lab.Steps {
			if si < len(written.Steps) && written.Steps[si].Skipped != "" {
				t.Logf("%s step %d: skipped on this kernel, its %d expectations not judged: %s", src.name, si+1, len(st.Expect), written.Steps[si].Skipped)
				continue
			}
			for ei := range st.Expect {
				for variant := 0; ; variant++ {
					m, err := src.load()
					if err != nil {
						t.Fatal(err)
					}
					what := mutate(&m.Steps[si], ei, variant)
					if what == "" && variant == 0 {
						t.Errorf("%s step %d: no mutation known for a %q expectation", src.name, si+1, st.Expect[ei].Kind)
					}
					if what == "" {
						break
					}
					if what == "-" {
						continue
					}
					m.Steps = m.Steps[:si+1]
					mutants++
					wg.Add(1)
					sem <- struct{}{}
					go func(name, title string, si int) {
						defer func() { <-sem; wg.Done() }()
						res := Test(m, nil)
						mu.Lock()
						defer mu.Unlock()
						switch {
						case res.OK:
							t.Errorf("%s step %d %q: mutant passed: %s", name, si+1, title, what)
						case res.Error != "":
							t.Errorf("%s step %d: mutant %s could not run: %s", name, si+1, what, res.Error)
						default:
							killed++
							t.Logf("killed: %s step %d: %s", name, si+1, what)
						}
					}(src.name, st.Title, si)
				}
			}
		}
	}
	wg.Wait()
	t.Logf("mutants: %d, killed: %d", mutants, killed)
	if mutants == 0 {
		t.Fatal("no mutants: nothing proven")
	}
}
