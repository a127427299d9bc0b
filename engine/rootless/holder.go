package rootless

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// HolderArg0 is argv[0] of a holder process: how init knows it is one, and
// what ps shows for it.
const HolderArg0 = "netlab-holder"

// Files of the run directory this package keeps (engine lists them as its
// own, so the directory stays netlab's).
const (
	holderFile  = "holder"         // "PID STARTTIME" of the live holder
	holderLock  = "holder.lock"    // serialises starting a holder
	releaseFile = "holder.release" // "PID": the lab of holder PID is reset (Released)
)

// A Holder is the process that keeps a user's namespaces alive between
// netlab commands.
type Holder struct {
	Pid   int
	Start uint64 // its start time (/proc/PID/stat), so a reused pid is not taken for it
	Dir   string // the run directory it serves
}

// Find returns the live holder of run directory dir, or nil when there is
// none: no file, a process that ended, or a pid now used by another
// program. What the file says is checked against /proc, never trusted.
func Find(dir string) *Holder {
	b, err := os.ReadFile(filepath.Join(dir, holderFile))
	if err != nil {
		return nil
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return nil
	}
	pid, err1 := strconv.Atoi(f[0])
	start, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil || pid <= 1 {
		return nil
	}
	h := &Holder{Pid: pid, Start: start, Dir: dir}
	if !h.alive() {
		return nil
	}
	return h
}

// Since is when the holder started serving its run directory (its file was
// written): a session created before that belongs to an earlier holder,
// and its namespaces died with it.
func (h *Holder) Since() time.Time {
	fi, err := os.Stat(filepath.Join(h.Dir, holderFile))
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}

// alive reports whether h's process still runs as the holder of h.Dir.
func (h *Holder) alive() bool {
	start, err := startTime(h.Pid)
	if err != nil || start != h.Start {
		return false
	}
	cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", h.Pid))
	if err != nil {
		return false
	}
	args := strings.Split(strings.TrimSuffix(string(cmd), "\x00"), "\x00")
	return len(args) == 2 && args[0] == HolderArg0 && args[1] == h.Dir
}

// startTime reads field 22 of /proc/PID/stat (after the command name,
// which may hold spaces and parentheses).
func startTime(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, errors.New("bad stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return 0, errors.New("bad stat")
	}
	return strconv.ParseUint(f[19], 10, 64)
}

// Ensure returns the live holder of dir, starting one when there is none.
// Two commands starting at once start one holder: the second waits on the
// lock and finds the first's.
func Ensure(dir, self string) (*Holder, error) {
	if h := Find(dir); h != nil {
		return h, nil
	}
	lf, err := os.OpenFile(filepath.Join(dir, holderLock), os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	defer lf.Close()
	if err := unix.Flock(int(lf.Fd()), unix.LOCK_EX); err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	if h := Find(dir); h != nil {
		return h, nil
	}
	if err := Check(self); err != nil {
		return nil, err
	}
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, EnvInside+"=") {
			env = append(env, e)
		}
	}
	cmd := &exec.Cmd{Path: self, Args: []string{HolderArg0, dir}, Dir: "/", Env: env}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setsid:     true, // no terminal: a hang-up of the student's terminal does not end the lab
		Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWNET,
		// The user's own ids become root inside, and only those: no
		// subordinate ids, no setuid helper.
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, unix.ENOSPC) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			return nil, fmt.Errorf("netlab cannot create a user namespace here (%w); run it with sudo, or ask an administrator to allow unprivileged user namespaces", err)
		}
		return nil, fmt.Errorf("start the holder process: %w", err)
	}
	h := &Holder{Pid: cmd.Process.Pid, Dir: dir}
	cmd.Process.Release() // it outlives this command; init reaps it
	if h.Start, err = startTime(h.Pid); err != nil {
		return nil, fmt.Errorf("the holder process ended at once: %w", err)
	}
	tmp := filepath.Join(dir, holderFile+".tmp")
	if err := os.WriteFile(tmp, fmt.Appendf(nil, "%d %d\n", h.Pid, h.Start), 0o600); err != nil {
		syscall.Kill(h.Pid, syscall.SIGTERM)
		return nil, err
	}
	if err := os.Rename(tmp, filepath.Join(dir, holderFile)); err != nil {
		syscall.Kill(h.Pid, syscall.SIGTERM)
		return nil, err
	}
	return h, nil
}

// sbinPath is path with the system directories root's PATH has and a
// user's often lacks (Debian's /usr/sbin: ip, iptables, tcpdump, brctl),
// as sudo's secure_path gives them.
func sbinPath(path string) string {
	have := map[string]bool{}
	for _, d := range filepath.SplitList(path) {
		have[d] = true
	}
	for _, d := range []string{"/usr/local/sbin", "/usr/sbin", "/sbin"} {
		if !have[d] {
			path += string(filepath.ListSeparator) + d
		}
	}
	return strings.TrimPrefix(path, ":")
}

// Released tells the holder of run directory dir, when this process runs
// inside one, that the lab is gone, so that it ends as soon as nothing
// else is inside ("netlab reset"): a file naming it, which it reads on its
// next look. Not a signal: one arriving before the holder's handler is
// installed would end it at once.
func Released(dir string) {
	if os.Getenv(EnvInside) == "" {
		return
	}
	if h := Find(dir); h != nil {
		os.WriteFile(filepath.Join(dir, releaseFile), fmt.Appendf(nil, "%d\n", h.Pid), 0o600)
	}
}

// EnvInside marks a netlab process that runs inside a holder's namespaces
// (its value is the holder's pid), so it joins only once.
const EnvInside = "NETLAB_ROOTLESS_HOLDER"

// Join replaces this process with self running args inside h's user,
// mount and network namespaces, through util-linux nsenter: a Go program
// cannot enter a user namespace itself once its runtime has started
// threads. It returns only on error.
func Join(h *Holder, self string, args []string) error {
	nsenter, err := exec.LookPath("nsenter")
	if err != nil {
		return errors.New("netlab needs nsenter to run without root: install util-linux, or run it with sudo")
	}
	wd, err := os.Getwd()
	if err != nil {
		wd = "/"
	}
	argv := []string{"nsenter", "-t", strconv.Itoa(h.Pid), "-U", "-m", "-n", "--preserve-credentials", "--wd=" + wd, "--", self}
	argv = append(argv, args...)
	var env []string
	for _, e := range os.Environ() {
		k, _, _ := strings.Cut(e, "=")
		if k != "NETLAB_RUN" && k != EnvInside && k != "XTABLES_LOCKFILE" && k != "PATH" {
			env = append(env, e)
		}
	}
	makeShim(h.Dir, self)
	env = append(env, "PATH="+shimDir(h.Dir)+string(filepath.ListSeparator)+sbinPath(os.Getenv("PATH")), "NETLAB_RUN="+h.Dir, EnvInside+"="+strconv.Itoa(h.Pid),
		// iptables-legacy takes its lock in /run, which root of a user
		// namespace may not write; iptables-nft does not need one.
		"XTABLES_LOCKFILE="+filepath.Join(h.Dir, "xtables.lock"))
	return syscall.Exec(nsenter, argv, env)
}
