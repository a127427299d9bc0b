package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// interrupts turns SIGINT (Ctrl-C) and SIGTERM ("netlab reset" from
// another terminal sends it) into a cancelled context for the verb that
// runs. The first signal cancels the context and says what first returns
// (if not empty) on stderr; later ones say more: they never cut a
// rollback or an undo short, which would leave the lab half-restored.
// stop restores the default handling.
func interrupts(first func() string, more string) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		n := 0
		for {
			select {
			case <-sigs:
				n++
				msg := more
				if n == 1 {
					cancel()
					msg = ""
					if first != nil {
						msg = first()
					}
				}
				if msg != "" {
					fmt.Fprintln(os.Stderr, "netlab:", msg)
				}
			case <-done:
				return
			}
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}
