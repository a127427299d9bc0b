package engine

import (
	"context"
	"errors"
	"syscall"
)

// Client is what a client command met on the network: whether it
// connected, how it ended and, for curl and wget, the HTTP status of the
// answer. The runner judges http: and tcp: expectations on it rather than
// on the tool's messages, which differ from tool to tool.
type Client struct {
	Outcome   ClientOutcome
	Connected bool // a connection was made (a UDP socket counts once nc "connects" it)
	Status    int  // the status code of the HTTP answer; 0 when none came (nc, or a failure before it)
}

// ClientOutcome is how a client's run ended.
type ClientOutcome string

// The outcomes of a client's run.
const (
	// ClientOK: nc connected; curl or wget got a whole HTTP answer, whatever
	// its status (see Client.Status).
	ClientOK ClientOutcome = "ok"
	// ClientRefused: the connection was refused (ECONNREFUSED: a TCP reset,
	// or an ICMP port unreachable, as iptables REJECT sends by default).
	ClientRefused ClientOutcome = "refused"
	// ClientTimeout: no connection, or no whole answer, within the time
	// the command gives (curl's exit 28).
	ClientTimeout ClientOutcome = "timeout"
	// ClientUnreachable: no route to the network or the host
	// (ENETUNREACH, EHOSTUNREACH).
	ClientUnreachable ClientOutcome = "unreachable"
	// ClientUnresolved: the host's name did not resolve.
	ClientUnresolved ClientOutcome = "unresolved"
	// ClientBroken: connected, but the answer was empty, cut short, reset
	// or not HTTP.
	ClientBroken ClientOutcome = "broken"
	// ClientFailed: the connection failed for another reason (EPERM from a
	// local firewall, for one).
	ClientFailed ClientOutcome = "failed"
	// ClientCancelled: the step was cancelled while the client ran.
	ClientCancelled ClientOutcome = "cancelled"
)

// dialOutcome classifies a failed connection attempt.
func dialOutcome(ctx context.Context, err error) ClientOutcome {
	switch {
	case ctx.Err() != nil:
		return ClientCancelled
	case dialTimedOut(err):
		return ClientTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return ClientRefused
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return ClientUnreachable
	}
	return ClientFailed
}
