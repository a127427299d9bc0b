package cmdline

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPureForDarwin builds lint and the command language for macOS, so
// "netlab lint" runs on an instructor's Mac, and checks that labs pulls in
// nothing that touches the kernel.
func TestPureForDarwin(t *testing.T) {
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GOOS=darwin", "GOARCH=arm64", "CGO_ENABLED=0")
	build := exec.Command(gotool, "build", "./labs", "./engine/cmdline")
	build.Dir, build.Env = root, env
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=darwin go build ./labs ./engine/cmdline: %v\n%s", err, out)
	}
	list := exec.Command(gotool, "list", "-deps", "./labs")
	list.Dir, list.Env = root, env
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list -deps ./labs: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, bad := range []string{"github.com/vishvananda", "github.com/coreos/go-iptables", "golang.org/x/sys/unix"} {
			if strings.HasPrefix(dep, bad) {
				t.Errorf("labs depends on %s", dep)
			}
		}
	}
}
