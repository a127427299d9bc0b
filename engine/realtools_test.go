package engine

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/netlab/netlab/engine/ns"
)

// realTool runs a real program (ip, iptables-save, sysctl) inside a lab
// node, so tests judge the engine by what the real tools see.
func realTool(t testing.TB, s *Session, node string, prog string, args ...string) string {
	t.Helper()
	path, err := s.NodePath(node)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	err = ns.WithNetNSPath(path, func(ns.NetNS) error {
		c := exec.Command(prog, args...)
		c.Stdout, c.Stderr = &out, &errb
		return c.Run()
	})
	if err != nil {
		t.Fatalf("%s %s on %s: %v: %s", prog, strings.Join(args, " "), node, err, errb.String())
	}
	return out.String()
}

// ipLink is the part of "ip -j -d link" the tests look at.
type ipLink struct {
	Ifname      string   `json:"ifname"`
	Flags       []string `json:"flags"`
	Mtu         int      `json:"mtu"`
	Master      string   `json:"master"`
	Address     string   `json:"address"`
	Promiscuity int      `json:"promiscuity"`
	LinkInfo    struct {
		InfoKind string         `json:"info_kind"`
		InfoData map[string]any `json:"info_data"`
	} `json:"linkinfo"`
	AddrInfo []struct {
		Family    string `json:"family"`
		Local     string `json:"local"`
		Prefixlen int    `json:"prefixlen"`
	} `json:"addr_info"`
}

func (l ipLink) up() bool {
	for _, f := range l.Flags {
		if f == "UP" {
			return true
		}
	}
	return false
}

func (l ipLink) has(cidr string) bool {
	for _, a := range l.AddrInfo {
		if a.Family == "inet" && a.Local+"/"+strconv.Itoa(a.Prefixlen) == cidr {
			return true
		}
	}
	return false
}

// ipLinks returns "ip -j -d addr" of a node by interface name.
func ipLinks(t testing.TB, s *Session, node string) map[string]ipLink {
	t.Helper()
	var links []ipLink
	if err := json.Unmarshal([]byte(realTool(t, s, node, "ip", "-j", "-d", "addr")), &links); err != nil {
		t.Fatal(err)
	}
	m := map[string]ipLink{}
	for _, l := range links {
		m[l.Ifname] = l
	}
	return m
}

// ipRoutes returns "ip -j route" of a node as "dst via gw dev d" strings.
func ipRoutes(t testing.TB, s *Session, node string) []string {
	t.Helper()
	var routes []struct {
		Dst     string `json:"dst"`
		Gateway string `json:"gateway"`
		Dev     string `json:"dev"`
	}
	if err := json.Unmarshal([]byte(realTool(t, s, node, "ip", "-j", "route")), &routes); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range routes {
		line := r.Dst
		if r.Gateway != "" {
			line += " via " + r.Gateway
		}
		out = append(out, line+" dev "+r.Dev)
	}
	return out
}
