package capture

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/pcapgo"
)

// recordedCapture replays a recorded pcap as a capture, for run.
func recordedCapture(t *testing.T, name string) *Capture {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	c, err := openSources([]Target{{Node: "file", Iface: name}}, []gopacket.PacketDataSource{r}, Options{ShowBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The -w file of netlab capture: write errors are reported (a shadowed
// err once made -w /dev/full exit 0), an existing file is overwritten as
// tcpdump does, and a symbolic link is refused, never followed.
func TestRunWriteFile(t *testing.T) {
	want := len(readPcap(t, "bridge.pcap", Options{ShowBackground: true}))
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string) string // returns the -w path
		wantErr string
		check   func(t *testing.T, dir string)
	}{
		{
			name:    "a full device is an error",
			prepare: func(*testing.T, string) string { return "/dev/full" },
			wantErr: "no space left on device",
		},
		{
			name: "an existing file is overwritten",
			prepare: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "out.pcap")
				if err := os.WriteFile(p, bytes.Repeat([]byte("old"), 1<<16), 0o644); err != nil {
					t.Fatal(err)
				}
				return p
			},
			check: func(t *testing.T, dir string) {
				f, err := os.Open(filepath.Join(dir, "out.pcap"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				r, err := pcapgo.NewReader(f)
				if err != nil {
					t.Fatalf("the overwritten file is not a pcap: %v", err)
				}
				n := 0
				for {
					if _, _, err := r.ReadPacketData(); err != nil {
						break
					}
					n++
				}
				if n != want {
					t.Errorf("read %d packets back, want %d (old bytes left behind?)", n, want)
				}
			},
		},
		{
			name: "a symbolic link is refused",
			prepare: func(t *testing.T, dir string) string {
				victim := filepath.Join(dir, "victim")
				if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
					t.Fatal(err)
				}
				link := filepath.Join(dir, "out.pcap")
				if err := os.Symlink(victim, link); err != nil {
					t.Fatal(err)
				}
				return link
			},
			wantErr: "is a symbolic link, which netlab does not follow",
			check: func(t *testing.T, dir string) {
				if b, _ := os.ReadFile(filepath.Join(dir, "victim")); string(b) != "keep me" {
					t.Errorf("the link's target was written: %q", b)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.prepare(t, dir)
			var out bytes.Buffer
			err := run(context.Background(), &out, recordedCapture(t, "bridge.pcap"), Options{WriteFile: path})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("run: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("run: %v, want an error with %q", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, dir)
			}
		})
	}
}

// A negative count is refused before anything is opened, as tcpdump
// refuses "-c -1".
func TestRunRefusesNegativeCount(t *testing.T) {
	err := Run(context.Background(), &bytes.Buffer{}, []Target{{Node: "x", NSPath: "/nonexistent", Iface: "lo"}}, Options{Count: -1})
	if err == nil || !strings.Contains(err.Error(), "invalid packet count -1") {
		t.Fatalf("Run with Count -1: %v", err)
	}
}
