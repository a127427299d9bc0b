package runner

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/netlab/netlab/engine/privtest"
	"github.com/netlab/netlab/labs"
	"golang.org/x/sys/unix"
)

// seedScript is labs/testdata/seed001.sh as bash runs it with the real
// tools: its commands only, without sudo and without the capture (the
// script applies the steps, it neither checks, captures nor undoes).
func seedScript(tb testing.TB) string {
	data, err := os.ReadFile("../testdata/seed001.sh")
	if err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("set -e\n")
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		l = strings.TrimPrefix(l, "sudo ")
		if strings.HasPrefix(l, "tcpdump ") {
			continue
		}
		if strings.HasSuffix(l, " arp") {
			l += " -n" // plain arp would wait on reverse DNS; netlab's never resolves
		}
		b.WriteString(l + " >/dev/null\n")
	}
	return b.String()
}

// inFreshHost runs fn on a thread in a new network namespace and a
// private mount namespace whose /run is an empty tmpfs with a netns
// directory, so the script's "ip netns add" stays there; the mounts are
// made here (the mount program would make /run/mount on the machine's
// /run first). The thread is never unlocked: it ends with the goroutine.
func inFreshHost(fn func() error) error {
	errc := make(chan error, 1)
	var private func()
	private = func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			go private() // keep the main thread's namespaces as they are
			return
		}
		if err := unix.Unshare(unix.CLONE_NEWNET | unix.CLONE_NEWNS | unix.CLONE_FS); err != nil {
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

func medianOf(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// BenchmarkTestVsScript times "netlab test" of labs/testdata/seed001.sh
// (apply, checks, captures, changes, undo of every step, the final
// comparison) against bash running the same commands with the real tools
// (apply only), alternating in one run, and reports both medians and
// their ratio.
func BenchmarkTestVsScript(b *testing.B) {
	privtest.Need(b)
	for _, tool := range []string{"ip", "brctl", "ifconfig", "sysctl", "iptables", "ping", "arp", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Fatalf("the reference needs %s: run 'make deps'", tool)
		}
	}
	lab, err := labs.LoadFile("../testdata/seed001.sh")
	if err != nil {
		b.Fatal(err)
	}
	b.Setenv("NETLAB_RUN", b.TempDir())
	script := seedScript(b)
	var tests, scripts []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res := Test(lab, nil)
		tests = append(tests, time.Since(start))
		if !res.OK {
			b.Fatalf("netlab test failed: %s %v", res.Error, res.Diff)
		}
		var out bytes.Buffer
		start = time.Now()
		err := inFreshHost(func() error {
			c := exec.Command("bash", "-c", script)
			c.Stdout, c.Stderr = &out, &out
			return c.Run()
		})
		scripts = append(scripts, time.Since(start))
		if err != nil {
			b.Fatalf("script: %v\n%s", err, out.String())
		}
	}
	b.StopTimer()
	tm, sm := medianOf(tests), medianOf(scripts)
	b.ReportMetric(float64(tm.Microseconds())/1000, "test-ms")
	b.ReportMetric(float64(sm.Microseconds())/1000, "script-ms")
	b.ReportMetric(float64(tm)/float64(sm), "test/script")
	if os.Getenv("NETLAB_BENCH_VERBOSE") != "" {
		b.Logf("netlab test runs: %v\nscript runs: %v", tests, scripts)
	}
}
