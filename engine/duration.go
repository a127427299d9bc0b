package engine

import "time"

// MaxDuration is the longest the command can run, estimated from its
// parsed form: for a ping, its count of packets sent one interval apart
// (the last one waiting -W for its reply), cut short by a -w deadline.
// Every other command netlab runs returns at once, and counts as 0.
// Lint uses it to warn about a step that can outlast its time limit.
func (c *Command) MaxDuration() time.Duration {
	var total time.Duration
	for _, a := range c.Actions {
		if p, ok := a.(*pingAction); ok {
			total += p.maxDuration()
		}
	}
	return total
}

// maxDuration follows pingAction.run: each packet waits up to wait for its
// reply, and the next one goes out interval after it; a deadline stops
// the loop before a new packet, so the last one started still waits.
func (a *pingAction) maxDuration() time.Duration {
	if a.count < 1 {
		return 0
	}
	step := max(a.wait, a.interval)
	d := time.Duration(a.count-1)*step + a.wait
	if a.deadline > 0 {
		d = min(d, a.deadline+step)
	}
	return d
}
