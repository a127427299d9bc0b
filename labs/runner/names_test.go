package runner

import (
	"strings"
	"testing"

	"github.com/netlab/netlab/labs"
)

// The names lab plays through: names from setup resolve, a name nobody
// gave fails as the step expects, the hosts line Docker's --link writes
// makes it resolve, and undo takes the line away again.
func TestNamesLab(t *testing.T) {
	lab, err := labs.LoadFile("../testdata/good/names.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, lab)
	for i := range lab.Steps {
		rep, err := s.Step()
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK {
			t.Fatalf("step %d: %s", i+1, rep.Text(true))
		}
		if i == 2 && (len(rep.Changes) != 1 || rep.Changes[0].String() != "+ db name: bbox1 172.18.0.2") {
			t.Errorf("step 3 changed %v", rep.Changes)
		}
		if i == 0 && !strings.Contains(rep.Text(true), "PING db (172.18.0.3)") {
			t.Errorf("step 1 output: %s", rep.Text(true))
		}
	}
	before, err := s.eng.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	after, err := s.eng.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	for _, c := range before.Diff(after) {
		changes = append(changes, c.String())
	}
	if got := strings.Join(changes, "\n"); got != "- db name: bbox1 172.18.0.2" {
		t.Errorf("undo changed:\n%s", got)
	}
}
