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
	arpZh := &Question{
		Ask: "br01 上的抓包最先显示的是哪个数据包？",
		Choices: []string{
			"一个发给所有人的 ARP 广播请求：谁是 192.168.88.12？",
			"一个直接发往 192.168.88.12 的 ICMP 回显请求",
			"什么都没有，因为网桥从不显示端口之间的流量",
		},
	}
	echoZh := &Question{
		Ask:     "eth0 上的抓包会显示什么？",
		Choices: []string{"回显请求和回显应答", "只有回显请求，应答一直不会回来", "什么都没有"},
		Answer:  1,
	}
	hostZh := &Question{
		Ask:     "回显请求停在了哪里？",
		Choices: []string{"在 ns02 里：它没有路由", "在实验主机上：请求从 br01 进来，主机却没有把它转发给 eth0"},
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
		{"Chinese: distinctive words", "ns01 不知道对方的 MAC 地址，于是先向所有人广播一个 ARP 请求：谁是 192.168.88.12？", arpZh, true, []string{"所有", "有人", "arp", "广播", "谁是"}},
		{"Chinese: too few words", "ns01 不知道对方的 MAC 地址，于是先广播一个 ARP 请求。", arpZh, false, nil},
		{"Chinese: the whole choice", "抓包里会出现：只有回显请求，应答一直不会回来。", echoZh, true, []string{"只有回显请求，应答一直不会回来"}},
		{"Chinese: scene only", "ns01 从没和 ns02 打过交道，抓包开在 br01 上。", arpZh, false, nil},
		{"Chinese between two names is no match of the names", "一处在容器所在的 br01 上，一处在主机的出口 eth0 上。", hostZh, false, nil},
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
