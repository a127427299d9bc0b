package rootless

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestFindChecksTheProcess: a holder file naming a live process that is
// no holder (this test), or a dead one, finds no holder.
func TestFindChecksTheProcess(t *testing.T) {
	d := t.TempDir()
	start, err := startTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for _, content := range []string{fmt.Sprintf("%d %d\n", os.Getpid(), start), fmt.Sprintf("%d %d\n", os.Getpid(), start+1), "1 0\n", "x y\n", ""} {
		os.WriteFile(filepath.Join(d, holderFile), []byte(content), 0o600)
		if h := Find(d); h != nil {
			t.Errorf("holder file %q: found %+v", content, h)
		}
	}
}

func TestSbinPath(t *testing.T) {
	if got := sbinPath("/usr/local/bin:/usr/bin:/bin"); got != "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin" {
		t.Errorf("sbinPath: %s", got)
	}
	if got := sbinPath("/usr/sbin:/usr/bin"); got != "/usr/sbin:/usr/bin:/usr/local/sbin:/sbin" {
		t.Errorf("sbinPath: %s", got)
	}
}
