package engine

// This file holds ping, a read-only tool: ICMP echo sent natively from the
// node's namespace, printed as iputils ping prints it. It changes no kernel
// object, so it has no op file. A host name is looked up in the node's
// names table (resolve.go) and printed as iputils 20221126 prints a name
// from /etc/hosts: "PING web (172.18.0.2)", replies "from web
// (172.18.0.2)" (its reverse lookup answered from the same table: the
// first name of the first line holding the address), the plain address
// with -n; a name the table lacks is iputils' "ping: web: Name or service
// not known", exit 2 (busybox, in the seeds' containers, says "ping: bad
// address 'web'").

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"

	"github.com/netlab/netlab/engine/cmdline"
)

// pingAction is ping, done natively: ICMP echo from the node's namespace,
// printed the way iputils ping prints it, with ping's exit status.
type pingAction struct {
	cmdline.Ping
	readOnly
}

func (a *pingAction) run(x *execCtx) (string, error) {
	// A name is looked up in the node's table first, as iputils does
	// before it opens its socket; the header names the line's canonical
	// name, and replies the name the table gives their source.
	target, label := a.Addr, ""
	if a.Host != "" {
		ip, canon, err := resolveCanon(x, a.Host)
		if err != nil {
			return fmt.Sprintf("ping: %s: Name or service not known\n", a.Host), &ExitError{Code: 2}
		}
		target, label = ip, canon
	}
	if label == "" {
		label = target.String()
	}
	// from is how a reply's source is printed: iputils asks getnameinfo
	// unless the target was an address or -n was given.
	from := func(peer net.Addr) string {
		ip := ipOf(peer)
		if a.Host == "" || a.Numeric {
			return ip
		}
		if name := x.s.reverseName(x.node.Name, net.ParseIP(ip)); name != "" && name != ip {
			return name + " (" + ip + ")"
		}
		return ip
	}
	var conn *icmp.PacketConn
	if err := x.do(func() error {
		var err error
		conn, err = icmp.ListenPacket("ip4:icmp", "0.0.0.0")
		return err
	}); err != nil {
		return "", fmt.Errorf("ping: socket: %w", err)
	}
	defer conn.Close()
	pc := conn.IPv4PacketConn()
	pc.SetControlMessage(ipv4.FlagTTL, true)
	// Cancelling the step ends the ping at once, as Ctrl-C ends iputils
	// ping: a read deadline in the past wakes the read, and the summary
	// of what was sent so far is printed.
	ctx := x.s.context()
	stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Now()) })
	defer stop()

	var b strings.Builder
	fmt.Fprintf(&b, "PING %s (%s) 56(84) bytes of data.\n", label, target)
	id := rand.IntN(0xffff) + 1
	payload := make([]byte, 56)
	for i := range payload {
		payload[i] = byte(i)
	}
	var sent, received, errs int
	var rtts []float64
	start := time.Now()
	var lastSend time.Time
	dst := &net.IPAddr{IP: target}
	buf := make([]byte, 1500)
	for seq := 1; seq <= a.Count && ctx.Err() == nil; seq++ {
		if a.Deadline > 0 && time.Since(start) >= a.Deadline {
			break
		}
		msg := icmp.Message{Type: ipv4.ICMPTypeEcho, Body: &icmp.Echo{ID: id, Seq: seq, Data: payload}}
		wb, _ := msg.Marshal(nil)
		sentAt := time.Now()
		if _, err := pc.WriteTo(wb, nil, dst); err != nil {
			if errors.Is(err, syscall.ENETUNREACH) {
				return b.String() + "ping: connect: Network is unreachable\n", &ExitError{Code: 2}
			}
			return b.String() + fmt.Sprintf("ping: sendmsg: %v\n", err), &ExitError{Code: 2}
		}
		sent++
		lastSend = sentAt
		waitUntil := sentAt.Add(a.Wait)
		for {
			pc.SetReadDeadline(waitUntil)
			if ctx.Err() != nil { // after setting the deadline: see AfterFunc above
				break
			}
			n, cm, peer, err := pc.ReadFrom(buf)
			if err != nil {
				break // timeout: no answer for this one
			}
			m, err := icmp.ParseMessage(1, buf[:n])
			if err != nil {
				continue
			}
			switch body := m.Body.(type) {
			case *icmp.Echo:
				if m.Type != ipv4.ICMPTypeEchoReply || body.ID != id || body.Seq != seq {
					continue
				}
				rtt := float64(time.Since(sentAt).Microseconds()) / 1000
				rtts = append(rtts, rtt)
				received++
				ttl := 0
				if cm != nil {
					ttl = cm.TTL
				}
				if !a.Quiet {
					fmt.Fprintf(&b, "64 bytes from %s: icmp_seq=%d ttl=%d time=%s ms\n", from(peer), seq, ttl, fmtRTT(rtt))
				}
			case *icmp.DstUnreach, *icmp.TimeExceeded:
				if !echoInside(m, id, seq) {
					continue
				}
				errs++
				if !a.Quiet {
					fmt.Fprintf(&b, "From %s icmp_seq=%d %s\n", from(peer), seq, icmpErrorText(m))
				}
			default:
				continue
			}
			break
		}
		if seq < a.Count {
			if d := time.Until(sentAt.Add(a.Interval)); d > 0 {
				t := time.NewTimer(d)
				select {
				case <-t.C:
				case <-ctx.Done():
					t.Stop()
				}
			}
		}
	}
	elapsed := lastSend.Sub(start).Milliseconds()
	loss := 0
	if sent > 0 {
		loss = (sent - received) * 100 / sent
	}
	fmt.Fprintf(&b, "\n--- %s ping statistics ---\n", label)
	errText := ""
	if errs > 0 {
		errText = fmt.Sprintf(", +%d errors", errs)
	}
	fmt.Fprintf(&b, "%d packets transmitted, %d received%s, %d%% packet loss, time %dms\n", sent, received, errText, loss, elapsed)
	if received > 0 {
		mn, mx, sum := math.Inf(1), 0.0, 0.0
		for _, r := range rtts {
			mn, mx, sum = math.Min(mn, r), math.Max(mx, r), sum+r
		}
		avg := sum / float64(len(rtts))
		var sq float64
		for _, r := range rtts {
			sq += (r - avg) * (r - avg)
		}
		fmt.Fprintf(&b, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n", mn, avg, mx, math.Sqrt(sq/float64(len(rtts))))
		return b.String(), nil
	}
	b.WriteString("\n")
	return b.String(), &ExitError{Code: 1}
}

func ipOf(a net.Addr) string {
	if ia, ok := a.(*net.IPAddr); ok {
		return ia.IP.String()
	}
	return a.String()
}

// fmtRTT prints a round-trip time with the precision iputils uses.
func fmtRTT(ms float64) string {
	switch {
	case ms < 1:
		return fmt.Sprintf("%.3f", ms)
	case ms < 10:
		return fmt.Sprintf("%.2f", ms)
	case ms < 100:
		return fmt.Sprintf("%.1f", ms)
	}
	return fmt.Sprintf("%.0f", ms)
}

// echoInside reports whether an ICMP error quotes our echo request.
func echoInside(m *icmp.Message, id, seq int) bool {
	var data []byte
	switch b := m.Body.(type) {
	case *icmp.DstUnreach:
		data = b.Data
	case *icmp.TimeExceeded:
		data = b.Data
	}
	if len(data) < 20 {
		return false
	}
	ihl := int(data[0]&0x0f) * 4
	if len(data) < ihl+8 || data[9] != 1 {
		return false
	}
	inner := data[ihl:]
	return inner[0] == 8 && int(inner[4])<<8|int(inner[5]) == id && int(inner[6])<<8|int(inner[7]) == seq
}

func icmpErrorText(m *icmp.Message) string {
	if m.Type == ipv4.ICMPTypeTimeExceeded {
		return "Time to live exceeded"
	}
	switch m.Code {
	case 0:
		return "Destination Net Unreachable"
	case 1:
		return "Destination Host Unreachable"
	case 3:
		return "Destination Port Unreachable"
	case 13:
		return "Packet filtered"
	}
	return fmt.Sprintf("Destination Unreachable, Bad Code: %d", m.Code)
}
