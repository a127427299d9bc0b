package cmdline

import "time"

// MaxDuration is the longest the command can run, estimated from its
// parsed form: for a ping, its count of packets sent one interval apart
// (the last one waiting -W for its reply), cut short by a -w deadline.
// Every other command netlab runs returns at once, and counts as 0.
// Lint uses it to warn about a step that can outlast its time limit.
func (c *Command) MaxDuration() time.Duration {
	var total time.Duration
	for _, o := range c.Ops {
		if p, ok := o.(*Ping); ok {
			total += p.MaxDuration()
		}
	}
	return total
}

// MaxDuration follows how engine runs a ping: each packet waits up to Wait
// for its reply, and the next one goes out Interval after it; a deadline
// stops the loop before a new packet, so the last one started still waits.
func (a *Ping) MaxDuration() time.Duration {
	if a.Count < 1 {
		return 0
	}
	step := max(a.Wait, a.Interval)
	d := time.Duration(a.Count-1)*step + a.Wait
	if a.Deadline > 0 {
		d = min(d, a.Deadline+step)
	}
	return d
}
