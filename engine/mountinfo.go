package engine

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// nsMounts lists the mount points of network namespace files (nsfs) that
// /proc/thread-self/mountinfo shows directly in dir/netns (symlinks in dir
// resolved), by node name. This is what netlab itself mounted there; reset
// touches nothing else.
func nsMounts(dir string) (map[string]string, error) {
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return map[string]string{}, nil
		}
		return nil, err
	}
	netnsDir := filepath.Join(realDir, "netns")
	// The calling thread's view, not the thread group leader's: a thread
	// that entered a private mount namespace (netlab exec builds one; tests
	// do too) may be the leader, and /proc/self would show its table.
	f, err := os.Open("/proc/thread-self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	found := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		sep := -1
		for i, f := range fields {
			if f == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || len(fields) < 5 || sep+1 >= len(fields) || fields[sep+1] != "nsfs" {
			continue
		}
		mp := unescapeMount(fields[4])
		if filepath.Dir(mp) == netnsDir && validName(filepath.Base(mp)) {
			found[filepath.Base(mp)] = mp
		}
	}
	return found, sc.Err()
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space, ...).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
