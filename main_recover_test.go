package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mountsUnder counts the namespace mounts under dir.
func mountsUnder(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile("/proc/thread-self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), " "+dir+"/netns/")
}

// TestDamagedSession: a truncated session.json or one whose setup did not
// finish makes status and start say what is wrong and name 'netlab reset';
// reset always works and leaves no mount.
func TestDamagedSession(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(b []byte) []byte
		status string // what status says
		start  int    // exit code of a new start
	}{
		{name: "truncated", damage: func(b []byte) []byte { return b[:len(b)/2] }, status: "is damaged", start: 1},
		{name: "setup unfinished", damage: func(b []byte) []byte {
			return []byte(strings.Replace(string(b), `"created"`, `"setup":{"command":0,"text":"ip link add eth0 type veth peer name x","total":3},"created"`, 1))
		}, status: "did not finish", start: 0},
		{name: "node name is a path", damage: func(b []byte) []byte {
			return []byte(strings.Replace(string(b), `"name":"ns01"`, `"name":"../../victim/netns/host"`, 1))
		}, status: "not a plain name", start: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			c.must(0, "start", "bridge")
			c.must(0, "step", "-n", "3")
			if n := mountsUnder(t, c.dir); n != 4 {
				t.Fatalf("%d namespaces mounted, want 4", n)
			}
			path := filepath.Join(c.dir, "session.json")
			b, _ := os.ReadFile(path)
			if err := os.WriteFile(path, tc.damage(b), 0o644); err != nil {
				t.Fatal(err)
			}
			out := c.must(1, "status")
			if !strings.Contains(out, tc.status) || !strings.Contains(out, "netlab reset") {
				t.Errorf("status: %s", out)
			}
			out, code := c.run("start", "bridge")
			if code != tc.start || (code != 0 && !strings.Contains(out, "netlab reset")) {
				t.Errorf("start: exit %d, want %d: %s", code, tc.start, out)
			}
			if code == 0 {
				if st := c.status(); st.Applied != 0 || len(st.Nodes) != 2 {
					t.Errorf("status after the rebuild: %+v", st)
				}
			}
			c.must(0, "reset")
			if n := mountsUnder(t, c.dir); n != 0 {
				t.Errorf("%d namespace mounts left after reset", n)
			}
			c.must(3, "status")
		})
	}
}

// TestForeignRunDirCLI: NETLAB_RUN pointed at a directory netlab did not
// create: every verb refuses it and nothing there is deleted.
func TestForeignRunDirCLI(t *testing.T) {
	needRootT(t)
	c := &cli{t: t, dir: t.TempDir()}
	files := []string{"session.json", "lock", "notes.txt", ".session-1.json"}
	for _, f := range files {
		os.WriteFile(filepath.Join(c.dir, f), []byte("mine"), 0o644)
	}
	for _, verb := range [][]string{{"reset"}, {"start", "bridge"}, {"status"}} {
		out, code := c.run(verb...)
		if code == 0 || !strings.Contains(out, "netlab did not create it") {
			t.Errorf("netlab %s in a foreign directory: exit %d: %s", verb[0], code, out)
		}
	}
	for _, f := range files {
		if b, err := os.ReadFile(filepath.Join(c.dir, f)); err != nil || string(b) != "mine" {
			t.Errorf("%s: %q %v", f, b, err)
		}
	}
}

// TestKilledDuringSetup: "netlab start" killed (SIGKILL) during the lab's
// setup leaves a session whose status says the setup did not finish and
// names 'netlab reset'; a step refuses it; start rebuilds it, reset
// removes it.
func TestKilledDuringSetup(t *testing.T) {
	for _, tc := range []struct {
		name    string
		recover func(c *cli)
	}{
		{name: "start again", recover: func(c *cli) {
			c.must(0, "start", "testdata/slowsetup.yaml")
			if st := c.status(); st.Lab != "slowsetup" || st.Applied != 0 {
				t.Errorf("status after the rebuild: %+v", st)
			}
			c.must(0, "step")
			c.must(0, "reset")
		}},
		{name: "reset", recover: func(c *cli) { c.must(0, "reset") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			cmd := c.cmd("start", "testdata/slowsetup.yaml")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				b, _ := os.ReadFile(filepath.Join(c.dir, "session.json"))
				if strings.Contains(string(b), `"setup":{"command":1,`) {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatal("netlab start never reached the setup's ping")
				}
				time.Sleep(20 * time.Millisecond)
			}
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			out := c.must(1, "status")
			if !strings.Contains(out, "setup of lab \"slowsetup\" did not finish") || !strings.Contains(out, "netlab reset") {
				t.Errorf("status after a killed start: %s", out)
			}
			if out := c.must(1, "step"); !strings.Contains(out, "netlab reset") {
				t.Errorf("step after a killed start: %s", out)
			}
			tc.recover(c)
			c.must(3, "status")
			if n := mountsUnder(t, c.dir); n != 0 {
				t.Errorf("%d namespace mounts left", n)
			}
		})
	}
}
