package rootless

// tcpdump run as root drops its privileges to the user "tcpdump", which
// calls setgroups; a user namespace made without privilege must forbid
// setgroups, so the real tcpdump stops there ("Couldn't change to
// 'tcpdump'", and with -Z root "Couldn't change to 'root'"). Inside netlab
// without root, "tcpdump" in netlab exec and netlab shell is therefore
// netlab's own capture, which prints the same lines: netlab puts a link
// named tcpdump to itself first on the PATH of what runs inside; run under
// that name it finds the lab node whose network namespace it was started
// in and becomes "netlab capture NODE:IFACE" with tcpdump's options
// translated, started from the holder's network namespace (a capture never
// runs in the namespace it started in: that one counts as the machine's).

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

const shimName = "tcpdump"

// shimDir is the directory of the tcpdump link in run directory dir.
func shimDir(dir string) string { return filepath.Join(dir, "bin") }

// makeShim makes dir/bin/tcpdump a symbolic link to self (replacing one
// that points elsewhere). Without it the real tcpdump runs, and says why
// it cannot.
func makeShim(dir, self string) {
	bin := shimDir(dir)
	if err := os.Mkdir(bin, 0o700); err != nil && !os.IsExist(err) {
		return
	}
	if fi, err := os.Lstat(bin); err != nil || !fi.IsDir() {
		return
	}
	link := filepath.Join(bin, shimName)
	if t, err := os.Readlink(link); err == nil && t == self {
		return
	}
	os.Remove(link)
	os.Symlink(self, link)
}

func init() {
	if filepath.Base(os.Args[0]) == shimName && os.Getenv(EnvInside) != "" && os.Geteuid() == 0 {
		os.Exit(tcpdumpShim(os.Args[1:]))
	}
}

func tcpdumpShim(args []string) int {
	fail := func(err error) int {
		fmt.Fprintf(os.Stderr, "tcpdump: %v\n", err)
		return 1
	}
	iface, flags, err := tcpdumpArgs(args)
	if err != nil {
		return fail(err)
	}
	dir := os.Getenv("NETLAB_RUN")
	node, err := nodeHere(dir)
	if err != nil {
		return fail(err)
	}
	nsenter, err := exec.LookPath("nsenter")
	if err != nil {
		return fail(errors.New("nsenter is missing (util-linux)"))
	}
	self, err := os.Executable()
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(os.Stderr, "tcpdump: without root this is netlab capture %s:%s (the same lines; Ctrl-C stops it)\n", node, iface)
	argv := append([]string{"nsenter", "-t", os.Getenv(EnvInside), "-n", "--", self, "capture", node + ":" + iface}, flags...)
	return fail(syscall.Exec(nsenter, argv, os.Environ()))
}

// tcpdumpArgs translates tcpdump's command line into netlab capture's:
// the interface (-i), then -c, -w, -e, -v; -n, -nn and -l change nothing
// (netlab never resolves names and prints each line at once); the words
// left are the filter. Anything else is refused by name.
func tcpdumpArgs(args []string) (iface string, flags []string, err error) {
	var filter []string
	verbose := 0
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			filter = append(filter, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			filter = append(filter, a)
			continue
		}
		if v, ok := strings.CutPrefix(a, "--interface="); ok {
			iface = v
			continue
		}
		if strings.HasPrefix(a, "--") {
			return "", nil, fmt.Errorf("option %s: without root, tcpdump here is netlab capture, which takes -i, -c, -w, -e, -v, -n and a filter", a)
		}
	cluster:
		for j := 1; j < len(a); j++ {
			switch c := a[j]; c {
			case 'n', 'l':
			case 'v':
				verbose++
			case 'e':
				flags = append(flags, "-e")
			case 'i', 'c', 'w':
				v := a[j+1:]
				if v == "" {
					if i+1 >= len(args) {
						return "", nil, fmt.Errorf("option -%c needs a value", c)
					}
					i++
					v = args[i]
				}
				switch c {
				case 'i':
					iface = v
				case 'c':
					if n, err := strconv.Atoi(v); err != nil || n < 1 {
						return "", nil, fmt.Errorf("invalid packet count %s", v)
					}
					flags = append(flags, "-c", v)
				case 'w':
					flags = append(flags, "-w", v)
				}
				break cluster
			default:
				return "", nil, fmt.Errorf("option -%c: without root, tcpdump here is netlab capture, which takes -i, -c, -w, -e, -v, -n and a filter", c)
			}
		}
	}
	if iface == "" || iface == "any" {
		return "", nil, errors.New("name the interface with -i IFACE (without root, tcpdump here is netlab capture, which listens on one interface)")
	}
	if verbose > 0 {
		flags = append(flags, "-"+strings.Repeat("v", min(verbose, 2)))
	}
	if len(filter) > 0 {
		flags = append(flags, "--filter", strings.Join(filter, " "))
	}
	return iface, flags, nil
}

// nodeHere names the lab node whose network namespace this process is in:
// the namespace file in dir/netns with the same device and inode.
func nodeHere(dir string) (string, error) {
	var here syscall.Stat_t
	if err := syscall.Stat("/proc/self/ns/net", &here); err != nil {
		return "", err
	}
	entries, err := os.ReadDir(filepath.Join(dir, "netns"))
	if err != nil {
		return "", fmt.Errorf("no lab is running here: %w", err)
	}
	for _, e := range entries {
		var st syscall.Stat_t
		if syscall.Stat(filepath.Join(dir, "netns", e.Name()), &st) == nil && st.Dev == here.Dev && st.Ino == here.Ino {
			return e.Name(), nil
		}
	}
	return "", errors.New("this is not a lab node's network namespace")
}
