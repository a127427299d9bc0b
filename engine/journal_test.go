package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The journal is overwritten in place: a shorter record after a longer one
// still reads back as itself, and a symbolic link in its place is refused.
func TestJournalInPlace(t *testing.T) {
	dir := t.TempDir()
	at := time.Now().UTC()
	long := journal{Started: at, Command: 7, Text: "ip netns exec ns01 ping 192.168.88.12 -c 1 -i 0.2 -W 1"}
	short := journal{Started: at, Command: 8, Text: "arp"}
	for _, j := range []journal{long, short} {
		if err := writeJournal(dir, j); err != nil {
			t.Fatal(err)
		}
	}
	got := readJournal(t, dir)
	if got.Command != 8 || got.Text != "arp" || !got.Started.Equal(at) {
		t.Fatalf("journal reads %+v, want %+v", got, short)
	}

	other := t.TempDir()
	target := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, journalPath(other)); err != nil {
		t.Fatal(err)
	}
	if err := writeJournal(other, short); err == nil {
		t.Fatal("writing the journal through a symbolic link succeeded")
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Fatalf("the link's target was written: %q", b)
	}
}

// One writer, kept open across a step's commands, pads a shorter record
// over a longer one as writeJournal does.
func TestJournalWriterKeptOpen(t *testing.T) {
	dir := t.TempDir()
	at := time.Now().UTC()
	w := journalWriter{dir: dir}
	defer w.close()
	for _, j := range []journal{{Started: at, Command: 1, Text: "ip link add veth01 type veth peer name br-veth01"}, {Started: at, Command: 2, Text: "arp"}} {
		if err := w.write(j); err != nil {
			t.Fatal(err)
		}
		if got := readJournal(t, dir); got.Command != j.Command || got.Text != j.Text {
			t.Fatalf("journal reads %+v, want %+v", got, j)
		}
	}
}

// readJournal reads and parses the journal in dir.
func readJournal(t *testing.T, dir string) journal {
	t.Helper()
	b, err := os.ReadFile(journalPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	var j journal
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatalf("journal %q does not parse: %v", b, err)
	}
	return j
}
