#!/bin/bash
# Key-to-screen latency of the real TUI in tmux while a ping flood is captured.
# Usage: make build; sudo tui/latency.sh (idle) or FLOOD=1 sudo tui/latency.sh.
# Uses its own run directory and tmux socket; the flood runs between lab
# namespaces (ping -f -w 8 from ns01 to ns02) and stops by itself.
set -u
B="$(cd "$(dirname "$0")/.." && pwd)/bin/netlab" # make build first
export NETLAB_RUN=/tmp/nl-lat; S=nl-lat
$B reset >/dev/null; $B start bridge >/dev/null; $B step -n 8 >/dev/null
tmux -L $S new-session -d -x 100 -y 30 "env NETLAB_RUN=$NETLAB_RUN $B"
sleep 1; tmux -L $S send-keys Enter; sleep 1          # continue the session
tmux -L $S send-keys Enter; sleep 0.5; tmux -L $S send-keys 1; sleep 2   # step 9 (question) -> capture on br01 stays open
tmux -L $S send-keys Tab Tab Tab; sleep 0.5           # capture pane
[ -n "${FLOOD:-}" ] && { $B exec ns01 -- ping -f -w 8 192.168.88.12 >/tmp/flood.txt 2>&1 & }
sleep 1.5
for i in 1 2 3 4 5 6 7 8 9 10; do
  # toggle pause with space and time until the header shows the new state
  before=$(tmux -L $S capture-pane -p | sed -n 3p)
  t0=$(date +%s%N); tmux -L $S send-keys Space
  while :; do now=$(tmux -L $S capture-pane -p | sed -n 3p); [ "$now" != "$before" ] && break; done
  t1=$(date +%s%N); echo "key-to-screen $(( (t1-t0)/1000 )) us: $now"
  sleep 0.3
done
wait
tmux -L $S capture-pane -p | sed -n 3,6p; [ -n "${FLOOD:-}" ] && tail -2 /tmp/flood.txt
tmux -L $S kill-server; $B reset >/dev/null
