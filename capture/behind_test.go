package capture

import (
	"testing"
	"time"
)

// TestBehindUntilFramesTaken: frames the kernel queued in a capture's ring
// that no reader has taken yet make Behind true, however quiet the wire;
// once a reader takes them it is false. (A step's captures wait while
// Behind, so a reader starved of CPU on a loaded machine loses nothing.)
func TestBehindUntilFramesTaken(t *testing.T) {
	l := vlanLab(t)
	var sock *packetSocket
	if err := l.do("b", func() error {
		var err error
		sock, err = openPacketSocket("eth0", nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// A Capture around the bare socket, with no reader running.
	c := &Capture{sources: []*source{{sock: sock}}}
	defer func() { sock.Close(); sock.release() }()
	if c.Behind() {
		t.Fatal("behind before any frame")
	}
	sendTagged(l)                     // four frames, 20 ms apart
	time.Sleep(50 * time.Millisecond) // past the ring's block timeout
	if !c.Behind() {
		t.Fatalf("not behind with frames queued and none taken (queued %d, taken %d)", c.queued.Load(), sock.taken.Load())
	}
	for i := 0; i < 4; i++ { // the four taggedFrames
		if _, _, err := sock.ReadPacketData(); err != nil {
			t.Fatal(err)
		}
	}
	if c.Behind() {
		t.Fatalf("behind after every frame was taken (queued %d, taken %d)", c.queued.Load(), sock.taken.Load())
	}
}
