package capture

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// Run is `netlab capture`: it captures on the targets and prints one line
// per packet to w (see the package documentation for the format) until
// ctx is cancelled or opts.Count packets have been printed. With
// opts.WriteFile it also writes every packet to that pcap file. At the
// end it prints the counts, as tcpdump does.
func Run(ctx context.Context, w io.Writer, targets []Target, opts Options) error {
	if opts.Count < 0 {
		return fmt.Errorf("capture: invalid packet count %d: give 1 or more, or 0 for no limit", opts.Count)
	}
	c, err := Open(targets, opts)
	if err != nil {
		return err
	}
	return run(ctx, w, c, opts)
}

// createPcap opens the -w file as tcpdump does (an existing file is
// overwritten) except that a symbolic link is refused rather than
// followed, so a link planted where a root capture writes cannot
// redirect it onto another file.
func createPcap(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0o644)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("capture: refusing to write %q: it is a symbolic link, which netlab does not follow; give the file itself", name)
	}
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	return f, nil
}

func run(ctx context.Context, w io.Writer, c *Capture, opts Options) (err error) {
	defer c.Close()
	var pw *pcapWriter
	if opts.WriteFile != "" {
		// err is the named result: the deferred flush and close below
		// report into it, so a full disk is not a silent success.
		var f *os.File
		if f, err = createPcap(opts.WriteFile); err != nil {
			return err
		}
		defer func() {
			if pw == nil {
				f.Close()
				return
			}
			if ferr := pw.flush(); ferr != nil && err == nil {
				err = fmt.Errorf("capture: failed to write %q: %w", opts.WriteFile, ferr)
			}
			if cerr := f.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("capture: failed to write %q: %w", opts.WriteFile, cerr)
			}
		}()
		if pw, err = newPcapWriter(f); err != nil {
			return fmt.Errorf("capture: failed to write %q: %w", opts.WriteFile, err)
		}
	}
	// Lines go out in batches while packets keep coming, at once when
	// they stop, as tcpdump's buffered stdout would but without the wait.
	out := bufio.NewWriterSize(w, 64<<10)
	defer out.Flush()
	n := 0
	var line []byte
	for opts.Count == 0 || n < opts.Count {
		var p Packet
		var ok bool
		select {
		case <-ctx.Done():
			return finish(out, c, n)
		case p, ok = <-c.Packets():
		}
		if !ok {
			break
		}
		n++
		if pw != nil {
			if err := pw.write(&p); err != nil {
				return fmt.Errorf("capture: failed to write %q: %w", opts.WriteFile, err)
			}
		}
		line = append(p.appendLine(line[:0], opts.LinkLevel), '\n')
		if _, err := out.Write(line); err != nil {
			return err
		}
		if len(c.Packets()) == 0 {
			if err := out.Flush(); err != nil {
				return err
			}
		}
	}
	return finish(out, c, n)
}

func finish(w *bufio.Writer, c *Capture, n int) error {
	defer w.Flush()
	c.Close()
	st := c.Stats()
	_, err := fmt.Fprintf(w, "%d packets captured\n%d packets dropped by kernel\n", n, st.KernelDrops)
	return err
}
