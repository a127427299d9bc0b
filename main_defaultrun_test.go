package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// These tests play the lesson with the default run directory (/run/netlab),
// as a student's machine has it: once on this machine's own /run (which has
// no /run/netns: the test refuses to run otherwise, as it could not prove
// what it leaves behind) and once in a private mount namespace whose /run
// is a tmpfs holding a /run/netns, as on a machine where "ip netns add" was
// run. Neither leaves /run/netlab or /run/netns behind.

const defaultRunDir = "/run/netlab"

// privateRunEnv selects the private /run of the re-executed test binary:
// "netns" asks TestMain to build it, "inside" says it has been built.
const privateRunEnv = "NETLAB_TEST_PRIVATE_RUN"

// enterPrivateRun is called by TestMain: with privateRunEnv=netns it puts
// this process in a private mount namespace whose /run is an empty tmpfs
// with a netns directory, then executes the test binary again there (a
// new program keeps the mount namespace of the thread that executed it).
// The mounts are made here, not by the mount program, which would create
// its table directory /run/mount on the machine's /run first.
func enterPrivateRun() {
	if os.Getenv(privateRunEnv) != "netns" {
		return
	}
	runtime.LockOSThread()
	fail := func(what string, err error) {
		os.Stderr.WriteString("private /run: " + what + ": " + err.Error() + "\n")
		os.Exit(4)
	}
	if err := unix.Unshare(unix.CLONE_NEWNS | unix.CLONE_FS); err != nil {
		fail("unshare", err)
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		fail("make mounts private", err)
	}
	if err := unix.Mount("netlab-test-run", "/run", "tmpfs", 0, "mode=755"); err != nil {
		fail("mount tmpfs", err)
	}
	if err := os.Mkdir("/run/netns", 0o755); err != nil {
		fail("mkdir /run/netns", err)
	}
	os.Setenv(privateRunEnv, "inside")
	fail("exec", syscall.Exec("/proc/self/exe", os.Args, os.Environ()))
}

// lockDefaultRun serializes the tests of all packages that use the
// default run directory (go test runs packages in parallel): an flock on
// the module's directory, which creates no file.
func lockDefaultRun(t *testing.T, moduleDir string) {
	f, err := os.Open(moduleDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Flock(int(f.Fd()), unix.LOCK_UN); f.Close() })
}

// newDefaultCLI is a cli on the default run directory; it remembers what
// /run/netlab held so that forgetRunDir can take back what the test added.
func newDefaultCLI(t *testing.T) *cli {
	needRootT(t)
	lockDefaultRun(t, ".")
	c := &cli{t: t, had: map[string]bool{}}
	entries, err := os.ReadDir(defaultRunDir)
	c.hadDir = err == nil
	for _, e := range entries {
		c.had[e.Name()] = true
	}
	if out, code := c.run("status"); code != 3 {
		t.Fatalf("a lab is running in %s; the test would disturb it:\n%s", defaultRunDir, out)
	}
	c.forgetRunDir()
	t.Cleanup(func() { c.run("reset"); c.forgetRunDir() })
	return c
}

// forgetRunDir removes, with the default run directory, the files netlab
// keeps there between sessions (its marker and lock) when they were not
// there before the test, and the directory when the test created it.
func (c *cli) forgetRunDir() {
	if c.dir != "" || c.had == nil {
		return
	}
	for _, name := range []string{".netlab-run", "lock"} {
		if !c.had[name] {
			os.Remove(filepath.Join(defaultRunDir, name))
		}
	}
	if !c.hadDir {
		os.Remove(defaultRunDir)
	}
}

// runListing lists every name under /run (recursively, symlinks not
// followed) and every mount /proc/self/mountinfo shows under /run.
func runListing(t *testing.T) string {
	var names []string
	filepath.WalkDir("/run", func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(mounts), "\n") {
		f := strings.Fields(l)
		if len(f) > 4 && (f[4] == "/run" || strings.HasPrefix(f[4], "/run/")) {
			names = append(names, "mount "+strings.Join(f[4:], " "))
		}
	}
	return strings.Join(names, "\n") + "\n"
}

func TestScriptedLessonDefaultRun(t *testing.T) {
	needRootT(t)
	inside := os.Getenv(privateRunEnv) == "inside"
	for _, tc := range []struct {
		name  string
		netns bool // /run/netns exists
	}{
		{name: "machine run without netns", netns: false},
		{name: "private run with netns", netns: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := os.Stat("/run/netns")
			if tc.netns && !inside {
				// Play it in the re-executed binary, in its private /run.
				cmd := exec.Command(os.Args[0], "-test.run", "^TestScriptedLessonDefaultRun$/^private_run_with_netns$", "-test.v", "-test.count=1")
				cmd.Env = append(os.Environ(), privateRunEnv+"=netns")
				out, err := cmd.CombinedOutput()
				if err != nil || !strings.Contains(string(out), "--- PASS: TestScriptedLessonDefaultRun/private_run_with_netns") {
					t.Fatalf("the lesson in a private /run with /run/netns: %v\n%s", err, out)
				}
				return
			}
			if tc.netns != inside {
				t.Skip("played by the other binary")
			}
			if (err == nil) != tc.netns {
				t.Fatalf("/run/netns exists: %v, want %v", err == nil, tc.netns)
			}
			before := runListing(t)
			c := newDefaultCLI(t)
			lesson(t, c)
			if _, err := os.Stat("/run/netns"); (err == nil) != tc.netns {
				t.Errorf("/run/netns exists after the lesson: %v", err == nil)
			}
			if after := runListing(t); after != before {
				t.Errorf("/run changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}
