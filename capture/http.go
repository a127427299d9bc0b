package capture

import "strings"

// This file is what tcpdump 4.99 prints after a TCP segment's ", length
// N" when the segment carries data: HTTP on ports 80 and 8080 (print-tcp.c
// hands it to http_print, which is txtproto_print in util-print.c), and,
// under -v, the text a reset carries (print_tcp_rst_data).

// Ports tcpdump's tcp_print hands to another printer before it tries
// HTTP: a segment to or from one of them is never printed as HTTP.
var tcpPortsBeforeHTTP = map[uint16]bool{
	23: true, 25: true, 43: true, 179: true, 1723: true, 6379: true, 22: true,
	139: true, 445: true, 10288: true, 975: true, 6653: true, 21: true,
}

// httpPorts are TCP_PORT_HTTP and HTTP_PORT_ALT of tcpdump's tcp.h.
func isHTTPPort(p uint16) bool { return p == 80 || p == 8080 }

// httpMethods is print-http.c's httpcmds: a first token that starts a
// request.
var httpMethods = map[string]bool{}

func init() {
	for _, m := range strings.Fields(`GET PUT COPY HEAD LOCK MOVE POLL POST BCOPY BMOVE MKCOL
		TRACE LABEL MERGE DELETE SEARCH UNLOCK REPORT UPDATE NOTIFY BDELETE CONNECT OPTIONS
		CHECKIN PROPFIND CHECKOUT CCM_POST SUBSCRIBE PROPPATCH BPROPFIND BPROPPATCH UNCHECKOUT
		MKACTIVITY MKWORKSPACE UNSUBSCRIBE RPC_CONNECT VERSION-CONTROL BASELINE-CONTROL`) {
		httpMethods[m] = true
	}
}

// maxRSTData is tcpdump's MAX_RST_DATA_LEN.
const maxRSTData = 30

// tcpPayload prints what follows ", length N" for a segment carrying
// payload (length bytes on the wire, of which data were captured).
func (s *summarizer) tcpPayload(sport, dport uint16, flags uint8, data []byte, length int) {
	if flags&0x04 != 0 && s.verbose > 0 { // RST
		s.rstData(data, length)
		return
	}
	if tcpPortsBeforeHTTP[sport] || tcpPortsBeforeHTTP[dport] {
		return
	}
	if isHTTPPort(sport) || isHTTPPort(dport) {
		s.b.WriteString(": ")
		s.http(data, length)
	}
}

// rstData is print_tcp_rst_data: up to 30 bytes of a reset's payload,
// non-printable bytes spelt as ^X and M-X.
func (s *summarizer) rstData(data []byte, length int) {
	if len(data) >= length {
		s.b.WriteString(" [RST")
	} else {
		s.b.WriteString(" [!RST")
	}
	if length > maxRSTData {
		length = maxRSTData
		s.b.WriteString("+")
	}
	s.b.WriteString(" ")
	for i := 0; i < length && i < len(data); i++ {
		c := data[i]
		if c >= 0x80 {
			c &= 0x7f
			s.b.WriteString("M-")
		}
		if c < 0x20 || c == 0x7f {
			c ^= 0x40
			s.b.WriteString("^")
		}
		s.b.WriteByte(c)
	}
	s.b.WriteString("]")
}

// http is txtproto_print with print-http.c's methods: "HTTP", then, for a
// request or status line, the first line (": GET / HTTP/1.1"), or under
// -v the length and every text line, each on a line of its own after a
// tab. A segment that continues a body prints "HTTP" alone.
func (s *summarizer) http(data []byte, length int) {
	if length < len(data) {
		data = data[:length]
	}
	s.b.WriteString("HTTP")
	if !httpStartLine(data) {
		return
	}
	if s.verbose == 0 {
		s.txtLine(": ", data, 0)
		return
	}
	s.b.WriteString(", length: ")
	s.num(length)
	for idx := 0; idx < len(data); {
		eol := s.txtLine("\n\t", data, idx)
		if eol == 0 {
			break
		}
		idx = eol
	}
}

// httpStartLine reports whether data starts as a request (a known method)
// or a response (a second token of three digits), as txtproto_print
// decides with RESP_CODE_SECOND_TOKEN.
func httpStartLine(data []byte) bool {
	tok, idx := fetchToken(data, 0)
	if idx == 0 {
		return false
	}
	if httpMethods[strings.ToUpper(tok)] {
		return true
	}
	tok, idx = fetchToken(data, idx)
	return idx != 0 && len(tok) == 3 && isDigit(tok[0]) && isDigit(tok[1]) && isDigit(tok[2])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isPrint(c byte) bool { return c >= 0x20 && c <= 0x7e }

// maxToken is the room tcpdump's token buffer has (MAX_TOKEN+1 with the
// terminating NUL): a longer token is no token.
const maxToken = 128

// fetchToken is util-print.c's fetch_token: the printable token at idx
// and the index past the blanks after it (before a line end), or 0 when
// there is no token.
func fetchToken(data []byte, idx int) (string, int) {
	start := idx
	for ; idx < len(data); idx++ {
		c := data[idx]
		if c >= 0x80 {
			return "", 0
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			break
		}
		if !isPrint(c) {
			return "", 0
		}
		if idx-start+2 > maxToken+1 {
			return "", 0
		}
	}
	tok := string(data[start:idx])
	if tok == "" {
		return "", 0
	}
	for ; idx < len(data); idx++ {
		c := data[idx]
		if c == '\r' || c == '\n' || !isPrint(c) || c != ' ' && c != '\t' {
			break
		}
	}
	return tok, idx
}

// txtLine is util-print.c's print_txt_line: the line at idx after prefix,
// without its LF or CR-LF, returning the index after the line end; 0 when
// the line holds a byte that is not printable text (nothing printed) or
// has no end in data (printed, then " [|http]").
func (s *summarizer) txtLine(prefix string, data []byte, idx int) int {
	start := idx
	for idx < len(data) {
		c := data[idx]
		switch {
		case c == '\n':
			s.b.WriteString(prefix)
			s.b.Write(data[start:idx])
			return idx + 1
		case c == '\r':
			if idx+1 >= len(data) || data[idx+1] != '\n' {
				return 0
			}
			s.b.WriteString(prefix)
			s.b.Write(data[start:idx])
			return idx + 2
		case !isPrint(c) && c != '\t':
			return 0
		}
		idx++
	}
	s.b.WriteString(prefix)
	s.b.Write(data[start:idx])
	s.b.WriteString(" [|http]")
	return 0
}
