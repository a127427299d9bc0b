package capture

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
)

// Run is `netlab capture`: it captures on the targets and prints one line
// per packet to w (see the package documentation for the format) until
// ctx is cancelled or opts.Count packets have been printed. With
// opts.WriteFile it also writes every packet to that pcap file. At the
// end it prints the counts, as tcpdump does.
func Run(ctx context.Context, w io.Writer, targets []Target, opts Options) error {
	c, err := Open(targets, opts)
	if err != nil {
		return err
	}
	return run(ctx, w, c, opts)
}

func run(ctx context.Context, w io.Writer, c *Capture, opts Options) (err error) {
	defer c.Close()
	var pw *pcapWriter
	if opts.WriteFile != "" {
		f, err := os.Create(opts.WriteFile)
		if err != nil {
			return fmt.Errorf("capture: %w", err)
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
