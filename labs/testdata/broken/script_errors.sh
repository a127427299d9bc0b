# Script with errors
# Things a script lab must not contain.

# Commands a shell would run, and output copied from a terminal
sudo brctl addbr br01
sudo rm -rf /
bash -c "ip link"
  sudo ip netns add ns01; sudo ip netns add ns02
sudo ip link show | grep br01
PING 192.168.88.12 (192.168.88.12) 56(84) bytes of data.

# A bad address and a capture on an interface nothing creates
sudo ifconfig br01 192.168.88.300/24 up
sudo tcpdump -i br02 -nn
sudo ip netns exec ns09 ip addr
