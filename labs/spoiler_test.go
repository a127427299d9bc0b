package labs

import (
	"reflect"
	"testing"
)

// TestAnswerSpoiled: a step's text that says what the right choice says
// is caught, by the whole choice or by its distinctive words; a text that
// only sets the scene, or uses words every choice shares, is not.
func TestAnswerSpoiled(t *testing.T) {
	arp := &Question{
		Ask: "What is the first packet the capture on br01 will show?",
		Choices: []string{
			"An ARP request, broadcast to everyone: who has 192.168.88.12?",
			"An ICMP echo request sent straight to 192.168.88.12",
			"Nothing, because a bridge never shows traffic between its ports",
		},
	}
	line := &Question{
		Ask:     "Which line will the capture on eth0 show?",
		Choices: []string{"IP 198.51.100.2 > 203.0.113.10: ICMP echo request", "IP 192.168.88.12 > 203.0.113.10: ICMP echo request"},
		Answer:  1,
	}
	tests := []struct {
		name  string
		text  string
		q     *Question
		want  bool
		words []string
	}{
		{"distinctive words, other forms", "It broadcasts an ARP question: who has 192.168.88.12?", arp, true, []string{"arp", "broadcast", "who"}},
		{"scene only", "ns01 pings ns02 while netlab captures on br01. Nothing is known yet.", arp, false, nil},
		{"one distinctive word is not enough", "ARP finds MAC addresses.", arp, false, nil},
		{"quoted packet line", "On eth0 you will read IP 192.168.88.12 > 203.0.113.10: ICMP echo request.", line, true, []string{"IP 192.168.88.12 > 203.0.113.10: ICMP echo request"}},
		{"shared words only", "Capture on eth0 and look for the ICMP echo request.", line, false, nil},
		{"no question", "anything", nil, false, nil},
		{"answer out of range", "who has", &Question{Choices: []string{"a b", "c d"}, Answer: 5}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, words := answerSpoiled(tt.text, tt.q)
			if got != tt.want || !reflect.DeepEqual(words, tt.words) {
				t.Errorf("answerSpoiled(%q) = %v %q, want %v %q", tt.text, got, words, tt.want, tt.words)
			}
		})
	}
}
