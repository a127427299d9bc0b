package engine

import (
	"errors"
	"testing"

	"github.com/vishvananda/netlink/nl"
)

// TestRedump: an interrupted dump is asked again, up to dumpTries times;
// any other outcome is returned at once.
func TestRedump(t *testing.T) {
	calls := 0
	v, err := redump(func() (int, error) {
		calls++
		if calls < 3 {
			return -1, nl.ErrDumpInterrupted
		}
		return 7, nil
	})
	if v != 7 || err != nil || calls != 3 {
		t.Errorf("interrupted twice: got %d, %v after %d calls, want 7, nil after 3", v, err, calls)
	}
	calls = 0
	_, err = redump(func() (int, error) { calls++; return 0, nl.ErrDumpInterrupted })
	if !errors.Is(err, nl.ErrDumpInterrupted) || calls != dumpTries {
		t.Errorf("always interrupted: got %v after %d calls, want the interruption after %d", err, calls, dumpTries)
	}
	calls = 0
	other := errors.New("no such namespace")
	if _, err = redump(func() (int, error) { calls++; return 0, other }); err != other || calls != 1 {
		t.Errorf("another error: got %v after %d calls, want it after 1", err, calls)
	}
}
