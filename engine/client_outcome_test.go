package engine

import "testing"

// Each client's Result carries what it met as facts: the outcome, whether
// it connected and the HTTP status; commands other than clients carry
// none. The tool's exit status is checked beside it, so the facts and
// the words (compared with the real tools in TestHTTPClientsMatchRealTools)
// stay in step.
func TestClientOutcomes(t *testing.T) {
	s := clientLab(t)
	for _, tt := range []struct {
		line      string
		outcome   ClientOutcome
		connected bool
		status    int
		code      int
	}{
		{"curl -s http://192.0.2.2/", ClientOK, true, 200, 0},
		{"curl -sI http://192.0.2.2/", ClientOK, true, 200, 0},
		{"curl -s http://192.0.2.2/missing", ClientOK, true, 404, 0},
		{"wget -qO- http://192.0.2.2/", ClientOK, true, 200, 0},
		{"wget -qO- http://192.0.2.2/missing", ClientOK, true, 404, 8},
		{"curl -s http://192.0.2.2:81/", ClientRefused, false, 0, 7},
		{"wget -qO- http://192.0.2.2:81/", ClientRefused, false, 0, 4},
		{"curl -s --connect-timeout 1 http://203.0.113.5/", ClientTimeout, false, 0, 28},
		{"wget -qO- -T 1 http://203.0.113.5/", ClientTimeout, false, 0, 4},
		{"curl -s http://198.51.100.1/", ClientUnreachable, false, 0, 7},
		{"curl -s http://web/", ClientUnresolved, false, 0, 6},
		{"curl -s http://192.0.2.2:7/", ClientBroken, true, 0, 1},
		{"nc -z 192.0.2.2 80", ClientOK, true, 0, 0},
		{"nc 192.0.2.2 7", ClientOK, true, 0, 0},
		{"nc -z 192.0.2.2 81", ClientRefused, false, 0, 1},
		{"nc -z -w 1 203.0.113.5 80", ClientTimeout, false, 0, 1},
		{"nc -z 198.51.100.1 80", ClientUnreachable, false, 0, 1},
		{"nc -z web 80", ClientUnresolved, false, 0, 1},
		{"nc -uzv -w 1 192.0.2.2 53", ClientOK, true, 0, 0},
		{"nc -uzv -w 1 192.0.2.2 54", ClientRefused, true, 0, 1},
	} {
		res := s.Run("host", mustParse(t, tt.line))
		c := res.Client
		if c == nil {
			t.Errorf("%s: no client outcome in the result", tt.line)
			continue
		}
		if c.Outcome != tt.outcome || c.Connected != tt.connected || c.Status != tt.status || res.ExitCode != tt.code {
			t.Errorf("%s: %+v, exit %d; want %s, connected %v, status %d, exit %d",
				tt.line, *c, res.ExitCode, tt.outcome, tt.connected, tt.status, tt.code)
		}
	}
	if res := s.Run("host", mustParse(t, "ip link show")); res.Client != nil {
		t.Errorf("ip link show carries a client outcome: %+v", *res.Client)
	}
}
