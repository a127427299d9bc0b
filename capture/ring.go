package capture

import "sync"

// Ring keeps the last K packets of a capture, so memory stays bounded
// however long it runs. It is safe for concurrent use.
type Ring struct {
	mu   sync.Mutex
	buf  []Packet
	next int // where the next packet goes
	full bool
}

// NewRing returns a ring that keeps the last size packets (at least 1).
func NewRing(size int) *Ring {
	if size < 1 {
		size = 1
	}
	return &Ring{buf: make([]Packet, size)}
}

// Add stores p, overwriting the oldest packet when the ring is full.
func (r *Ring) Add(p Packet) {
	r.mu.Lock()
	r.buf[r.next] = p
	r.next++
	if r.next == len(r.buf) {
		r.next, r.full = 0, true
	}
	r.mu.Unlock()
}

// Len is how many packets the ring holds now.
func (r *Ring) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.full {
		return len(r.buf)
	}
	return r.next
}

// Cap is the most packets the ring holds.
func (r *Ring) Cap() int { return len(r.buf) }

// Last returns up to n of the newest packets, oldest first; n <= 0 means
// all of them.
func (r *Ring) Last(n int) []Packet {
	r.mu.Lock()
	defer r.mu.Unlock()
	have := r.next
	if r.full {
		have = len(r.buf)
	}
	if n <= 0 || n > have {
		n = have
	}
	out := make([]Packet, n)
	start := r.next - n
	if start < 0 {
		start += len(r.buf)
	}
	for i := range out {
		out[i] = r.buf[(start+i)%len(r.buf)]
	}
	return out
}
