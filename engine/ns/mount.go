package ns

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// nsfsMagic is NSFS_MAGIC, the filesystem of a bound namespace file.
const nsfsMagic = 0x6e736673

// IsNSMount reports whether path is a bound network namespace that is
// not the machine's own; it refuses the machine's own outright (an error
// wrapping ErrMachine), so no damaged state file can point netlab at it.
// A missing file is no namespace and no error.
func IsNSMount(path string) (bool, error) {
	var fs unix.Statfs_t
	if err := unix.Statfs(path, &fs); err != nil {
		if os.IsNotExist(err) {
			return false, nil
		}
		return false, err
	}
	if fs.Type != nsfsMagic {
		return false, nil
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return false, err
	}
	if isMachine(&st) {
		return false, fmt.Errorf("refusing %s: %w", path, ErrMachine)
	}
	return true, nil
}
