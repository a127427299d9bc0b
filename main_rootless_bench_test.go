package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkClassroom: N students on one machine at once (N = 1, 10, 30 in
// the same run), each an unprivileged account the benchmark makes, each
// playing the bridge lab through the verbs: start, every step as its own
// "netlab step" (so a step's latency includes joining the holder), undo
// --all, reset. It reports the per-step latency (p50, p95), the time of
// start and of undo --all, and the memory of one session while all N labs
// stand fully built: the machine's MemAvailable drop divided by N (kernel
// objects included) and the holder's own resident size.
//
//	go test -run '^$' -bench Classroom -benchtime 1x .
func BenchmarkClassroom(b *testing.B) {
	const most = 30
	bin := studentBin(b) // one program for all, as on a lab server
	var students []*student
	for range most {
		students = append(students, newStudentBin(b, bin))
	}
	b.Run("root", func(b *testing.B) { // the reference: the same verbs as root, one session
		for range b.N {
			classroom(b, []*student{nil})
		}
	})
	for _, n := range []int{1, 10, 30} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			for range b.N {
				classroom(b, students[:n])
			}
		})
	}
}

func classroom(b *testing.B, class []*student) {
	steps := 16
	var mu sync.Mutex
	var stepTimes, startTimes, undoTimes []time.Duration
	var pss []int
	built := sync.WaitGroup{}
	built.Add(len(class))
	measured := make(chan struct{})
	base := memAvailableKB(b)
	rootDir := b.TempDir()
	var wg sync.WaitGroup
	for _, s := range class {
		wg.Add(1)
		run := func(args ...string) (string, int) {
			if s != nil {
				return s.run(args...)
			}
			cmd := exec.Command(binary, args...)
			cmd.Env = append(os.Environ(), "NETLAB_RUN="+rootDir)
			out, err := cmd.CombinedOutput()
			if ee, ok := err.(*exec.ExitError); ok {
				return string(out), ee.ExitCode()
			}
			return string(out), 0
		}
		name := "root"
		if s != nil {
			name = s.name
		}
		go func() {
			defer wg.Done()
			fail := func(what string, out string) {
				b.Errorf("%s: %s: %s", name, what, out)
			}
			t0 := time.Now()
			if out, code := run("start", "bridge"); code != 0 {
				fail("start", out)
			}
			d := time.Since(t0)
			var mine []time.Duration
			for range steps {
				t0 := time.Now()
				if out, code := run("step"); code != 0 {
					fail("step", out)
					break
				}
				mine = append(mine, time.Since(t0))
			}
			r := 0
			if s != nil {
				r = pssKB(s.holderPid())
			}
			mu.Lock()
			stepTimes, startTimes, pss = append(stepTimes, mine...), append(startTimes, d), append(pss, r)
			mu.Unlock()
			built.Done()
			<-measured
			t0 = time.Now()
			if out, code := run("undo", "--all"); code != 0 {
				fail("undo --all", out)
			}
			u := time.Since(t0)
			run("reset")
			mu.Lock()
			undoTimes = append(undoTimes, u)
			mu.Unlock()
		}()
	}
	built.Wait()
	perSession := float64(base-memAvailableKB(b)) / float64(len(class))
	close(measured)
	wg.Wait()
	for _, s := range class {
		if s != nil {
			s.waitHolderGone(15 * time.Second)
		}
	}
	b.ReportMetric(ms(quantile(stepTimes, 0.50)), "step-p50-ms")
	b.ReportMetric(ms(quantile(stepTimes, 0.95)), "step-p95-ms")
	b.ReportMetric(ms(quantile(startTimes, 0.50)), "start-p50-ms")
	b.ReportMetric(ms(quantile(undoTimes, 0.50)), "undo-all-p50-ms")
	b.ReportMetric(perSession/1024, "MB/session")
	slices.Sort(pss)
	b.ReportMetric(float64(pss[len(pss)/2])/1024, "holder-PSS-MB")
}

func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// memAvailableKB is /proc/meminfo's MemAvailable, the median of five
// reads 100 ms apart (other programs come and go).
func memAvailableKB(b *testing.B) int {
	var v []int
	for range 5 {
		v = append(v, memAvailableOnce(b))
		time.Sleep(100 * time.Millisecond)
	}
	slices.Sort(v)
	return v[2]
}

func memAvailableOnce(b *testing.B) int {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	b.Fatal("no MemAvailable in /proc/meminfo")
	return 0
}

// pssKB is the proportional set size of process pid (its resident pages,
// those it shares counted by share), or 0.
func pssKB(pid int) int {
	bs, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(bs), "\n") {
		if v, ok := strings.CutPrefix(l, "Pss:"); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	return 0
}
