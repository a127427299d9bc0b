package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/capture"
)

// floodModel is the lab's capture pane holding a full buffer of pings.
func floodModel(b *testing.B) (*Model, []capture.Packet) {
	be := &fakeBackend{}
	be.running = &fakeDriver{lab: bridgeLab(b)}
	for range 12 {
		be.running.Step()
	}
	m := New(Options{Lab: bridgeLab(b)}, be, true)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	msg := m.Init()()
	m.Update(msg)
	m.capture.src = &fakeSource{ch: make(chan capture.Packet)}
	m.pane = paneCapture
	batch := make([]capture.Packet, maxBatch)
	for i := range batch {
		batch[i] = natPackets(b)[1+i%4]
	}
	for range maxEntries / maxBatch {
		m.Update(packetsMsg{gen: m.capture.gen, pkts: batch})
	}
	m.Update(frameMsg{})
	m.View()
	return m, batch
}

// BenchmarkKeyDuringFlood is a key press (Update and View) while a flood
// arrives: each iteration files one full batch of packets, then a key.
// key-ns/op is the key's own Update+View, what the student waits for.
func BenchmarkKeyDuringFlood(b *testing.B) {
	m, batch := floodModel(b)
	keys := []tea.KeyMsg{keyMsg("up"), keyMsg("down")}
	var keyTime time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(packetsMsg{gen: m.capture.gen, pkts: batch})
		m.View()
		start := time.Now()
		m.Update(keys[i%2])
		m.View()
		keyTime += time.Since(start)
	}
	b.ReportMetric(float64(keyTime.Nanoseconds())/float64(b.N), "key-ns/op")
}

// BenchmarkPacketBatch is the UI cost of one batch of maxBatch packets
// between frames (no redraw: frames come from the tick).
func BenchmarkPacketBatch(b *testing.B) {
	m, batch := floodModel(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(packetsMsg{gen: m.capture.gen, pkts: batch})
		m.View()
	}
}

// BenchmarkFirstFrame is netlab's start: the labs loaded from the real
// built-in files, then the picker's first full frame.
func BenchmarkFirstFrame(b *testing.B) {
	dir := b.TempDir()
	for i := 0; i < b.N; i++ {
		m := New(Options{RunDir: dir}, NewBackend(Options{RunDir: dir}), true)
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		m.Update(m.Init()())
		if m.screen != screenPicker {
			b.Fatal("no picker")
		}
		m.View()
	}
}
