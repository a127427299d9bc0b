package engine

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// seedScript is the same seed-001 sequence for the real tools: ip, brctl,
// ifconfig, sysctl, iptables and ping, run by bash in a fresh lab host with
// a private mount namespace, so its "ip netns add" never reaches the
// machine's /run/netns.
func seedScript() string {
	var b strings.Builder
	b.WriteString("set -e\n")
	for _, lines := range seedSteps {
		for _, l := range lines {
			l = strings.TrimPrefix(l, "sudo ")
			if l == "ip netns exec ns01 arp" {
				l += " -n" // plain arp would wait on reverse DNS; netlab's never resolves
			}
			b.WriteString(l + " >/dev/null\n")
		}
	}
	return b.String()
}

// runScript runs the script with bash inside a lab host namespace and
// returns the wall time and the children's peak RSS in KiB.
func runScript(b *testing.B, path, script string) (time.Duration, int64) {
	var out bytes.Buffer
	var ru *syscall.Rusage
	start := time.Now()
	err := inPrivateRun(path, func() error {
		c := exec.Command("bash", "-c", script)
		c.Stdout, c.Stderr = &out, &out
		err := c.Run()
		if c.ProcessState != nil {
			ru, _ = c.ProcessState.SysUsage().(*syscall.Rusage)
		}
		return err
	})
	d := time.Since(start)
	if err != nil {
		b.Fatalf("shell script: %v\n%s", err, out.String())
	}
	return d, ru.Maxrss
}

// inPrivateRun runs fn on a thread that is in the namespace at path and in
// a private mount namespace whose /run is an empty tmpfs with a netns
// directory, so the script's "ip netns add" and mounts stay there. The
// mounts are made by netlab itself: the mount program would create its
// table directory (/run/mount) on the machine's /run first. The thread is
// never unlocked, so the runtime ends it with the goroutine.
func inPrivateRun(path string, fn func() error) error {
	errc := make(chan error, 1)
	var private func()
	private = func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			// The main thread: its mount namespace is the one
			// /proc/self/mountinfo shows, which netlab reads to find its
			// own namespace mounts. Keep it locked here (so the runtime
			// schedules the next goroutine elsewhere) and go on there.
			go private()
			return
		}
		target, err := netns.GetFromPath(path)
		if err != nil {
			errc <- err
			return
		}
		defer target.Close()
		if err := netns.Set(target); err != nil {
			errc <- err
			return
		}
		if err := unix.Unshare(unix.CLONE_NEWNS | unix.CLONE_FS); err != nil {
			errc <- err
			return
		}
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			errc <- err
			return
		}
		if err := unix.Mount("netlab-bench", "/run", "tmpfs", 0, "mode=755"); err != nil {
			errc <- err
			return
		}
		if err := os.Mkdir("/run/netns", 0o755); err != nil {
			errc <- err
			return
		}
		errc <- fn()
	}
	go private()
	return <-errc
}

// quiet lets the kernel finish, before a side is timed, the work the
// previous side's teardown left it doing in the background (a deleted
// namespace is cleaned up by a kernel worker that takes the same locks
// the next side's commands need).
func quiet() { time.Sleep(quietPause) }

var quietPause = 300 * time.Millisecond

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// BenchmarkSeedEngineVsShell replays the seed-001 sequence through the
// engine, as bare kernel operations (the floor, see floorSeed) and through
// the real tools, alternating in one run, and reports the three medians,
// the engine's speedup over the shell, its ratio to the floor and memory.
func BenchmarkSeedEngineVsShell(b *testing.B) {
	needRoot(b)
	for _, tool := range []string{"ip", "brctl", "ifconfig", "sysctl", "iptables", "ping", "unshare", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Fatalf("the reference needs %s: run 'make deps'", tool)
		}
	}
	var steps []Transaction
	for i, lines := range seedSteps {
		st := step(b, "seed", lines...)
		st.Index = i
		steps = append(steps, st)
	}
	script := seedScript()
	var engineTimes, floorTimes, shellTimes []time.Duration
	var engineAlloc uint64
	var shellRSS int64
	root := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// engine
		b.StopTimer()
		dir := filepath.Join(root, fmt.Sprint("e", i))
		s, err := Create(dir, Spec{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { Reset(dir) }) // a failed run leaves no mount behind
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		quiet()
		b.StartTimer()
		start := time.Now()
		for _, st := range steps {
			if _, err := applyNext(s, st); err != nil {
				b.Fatal(err)
			}
		}
		engineTimes = append(engineTimes, time.Since(start))
		b.StopTimer()
		waitLinkDeletes() // the kernel's tail of br01's deletion, before the floor's turn
		runtime.ReadMemStats(&m1)
		engineAlloc += m1.TotalAlloc - m0.TotalAlloc
		s.Close()
		if err := Reset(dir); err != nil {
			b.Fatalf("reset the engine's lab: %v", err)
		}

		// the floor: the same kernel operations issued directly
		fdir := filepath.Join(root, fmt.Sprint("f", i))
		if err := createNS(nsPath(fdir, "host"), true); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { removeNS(nsPath(fdir, "host"), true) })
		quiet()
		b.StartTimer()
		start = time.Now()
		if err := floorSeed(fdir); err != nil {
			b.Fatal(err)
		}
		floorTimes = append(floorTimes, time.Since(start))
		b.StopTimer()
		waitLinkDeletes()
		removeNS(nsPath(fdir, "host"), true)

		// the real tools, in a fresh lab host of their own
		host := nsPath(filepath.Join(root, fmt.Sprint("s", i)), "host")
		if err := createNS(host, true); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { removeNS(host, true) })
		quiet()
		b.StartTimer()
		d, rss := runScript(b, host, script)
		b.StopTimer()
		shellTimes = append(shellTimes, d)
		shellRSS = max(shellRSS, rss)
		removeNS(host, true)
		b.StartTimer()
	}
	b.StopTimer()
	em, fm, sm := median(engineTimes), median(floorTimes), median(shellTimes)
	b.ReportMetric(float64(em.Microseconds())/1000, "engine-ms")
	b.ReportMetric(float64(fm.Microseconds())/1000, "floor-ms")
	b.ReportMetric(float64(sm.Microseconds())/1000, "shell-ms")
	b.ReportMetric(float64(sm)/float64(em), "speedup")
	b.ReportMetric(float64(em)/float64(fm), "engine/floor")
	b.ReportMetric(float64(engineAlloc)/float64(b.N)/1024, "engine-alloc-KiB")
	b.ReportMetric(float64(shellRSS), "shell-peak-RSS-KiB")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Sys)/1024, "engine-sys-KiB")
	if os.Getenv("NETLAB_BENCH_VERBOSE") != "" {
		b.Logf("engine runs: %v\nfloor runs: %v\nshell runs: %v", engineTimes, floorTimes, shellTimes)
	}
}

// BenchmarkSnapshotSeed measures the snapshot taken before every step, on
// the seed lab wired up to its ping (bridge, two namespaces, veths up,
// neighbours learned): the state most steps are snapshotted in.
func BenchmarkSnapshotSeed(b *testing.B) {
	s := newLab(b, Spec{})
	for i, lines := range seedSteps[:8] {
		st := step(b, "seed", lines...)
		st.Index = i
		if _, err := applyNext(s, st); err != nil {
			b.Fatalf("step %d: %v", i, err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.snapshot(false); err != nil {
			b.Fatal(err)
		}
	}
}
