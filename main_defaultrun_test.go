package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/engine/privtest"
)

// These tests play the lesson with the default run directory (/run/netlab),
// as a student's machine has it: on this machine's own /run (whatever it
// holds; this one has no /run/netns), and in private mount namespaces
// whose /run is a tmpfs without and with a /run/netns (a machine where "ip
// netns add" was never run, and one where it was). None leaves anything in
// /run: no /run/netlab, no /run/netns.

const defaultRunDir = "/run/netlab"

// privateRunEnv selects the private /run of the re-executed test binary:
// "bare" or "netns" (with a /run/netns) asks TestMain to build it,
// "inside-bare" or "inside-netns" says it has been built.
const privateRunEnv = "NETLAB_TEST_PRIVATE_RUN"

// enterPrivateRun is called by TestMain: with privateRunEnv=netns it puts
// this process in a private mount namespace whose /run is an empty tmpfs
// with a netns directory, then executes the test binary again there (a
// new program keeps the mount namespace of the thread that executed it).
// The mounts are made here, not by the mount program, which would create
// its table directory /run/mount on the machine's /run first.
func enterPrivateRun() {
	kind := os.Getenv(privateRunEnv)
	if kind != "bare" && kind != "netns" {
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
	if kind == "netns" {
		if err := os.Mkdir("/run/netns", 0o755); err != nil {
			fail("mkdir /run/netns", err)
		}
	}
	os.Setenv(privateRunEnv, "inside-"+kind)
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

func TestScriptedLessonDefaultRun(t *testing.T) {
	needRootT(t)
	inside := strings.TrimPrefix(os.Getenv(privateRunEnv), "inside-")
	for _, tc := range []struct {
		name    string
		private string // "": the machine's own /run; else the private /run's kind
	}{
		{name: "machine run", private: ""},
		{name: "private run without netns", private: "bare"},
		{name: "private run with netns", private: "netns"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.private != "" && inside == "" {
				// Play it in the re-executed binary, in its private /run.
				sub := strings.ReplaceAll(tc.name, " ", "_")
				cmd := exec.Command(os.Args[0], "-test.run", "^TestScriptedLessonDefaultRun$/^"+sub+"$", "-test.v", "-test.count=1")
				cmd.Env = append(os.Environ(), privateRunEnv+"="+tc.private)
				out, err := cmd.CombinedOutput()
				if err != nil || !strings.Contains(string(out), "--- PASS: TestScriptedLessonDefaultRun/"+sub) {
					t.Fatalf("the lesson in a private /run (%s): %v\n%s", tc.private, err, out)
				}
				return
			}
			_, err := os.Stat("/run/netns")
			hadNetns := err == nil
			if tc.private != "" && hadNetns != (tc.private == "netns") {
				t.Fatalf("/run/netns exists: %v in the private /run %q", hadNetns, tc.private)
			}
			before := privtest.RunListing(t)
			c := newDefaultCLI(t)
			lesson(t, c)
			if _, err := os.Stat("/run/netns"); (err == nil) != hadNetns {
				t.Errorf("/run/netns exists after the lesson: %v, before: %v", err == nil, hadNetns)
			}
			if after := privtest.RunListing(t); after != before {
				t.Errorf("/run changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}
