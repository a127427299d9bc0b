# Docker's bridge network by hand (the commands of the tutorial)
# A bridge, two namespaces and two veth pairs, then forwarding and MASQUERADE.
#
# This is the plain-script form of a lab: the tutorial's own commands, as
# typed, with sudo. The outside-network pings are left out.

# Create the bridge br01 and bring it up
# Either command brings it up.
sudo brctl addbr br01
sudo ip link set dev br01 up
sudo ifconfig br01 up

# Give the bridge an address
sudo ifconfig br01 192.168.88.1/24 up

# Create the namespaces ns01 and ns02
sudo ip netns add ns01
sudo ip netns add ns02
sudo ip netns list

# Create two veth pairs
sudo ip link add veth01 type veth peer name br-veth01
sudo ip link add veth02 type veth peer name br-veth02

# Attach one end of each pair to br01
sudo brctl addif br01 br-veth01
sudo brctl addif br01 br-veth02
sudo brctl show br01

# Bring the bridge ends up
sudo ip link set dev br-veth01 up
sudo ip link set dev br-veth02 up

# Move the other ends into the namespaces
sudo ip link set veth01 netns ns01
sudo ip link set veth02 netns ns02
sudo ip netns exec ns01 ip addr

# Configure the network inside each namespace
# The default gateway is the bridge's address.
sudo ip netns exec ns01 ip link set dev veth01 up
sudo ip netns exec ns01 ifconfig veth01 192.168.88.11/24 up
sudo ip netns exec ns01 ip route add default via 192.168.88.1
sudo ip netns exec ns02 ip link set dev veth02 up
sudo ip netns exec ns02 ifconfig veth02 192.168.88.12/24 up
sudo ip netns exec ns02 ip route add default via 192.168.88.1
sudo ip netns exec ns01 ifconfig veth01
sudo ip netns exec ns02 ifconfig veth02

# Ping ns02 from ns01 while capturing on br01
# ARP finds the MAC address first, then the echo request and reply cross the bridge.
sudo tcpdump -i br01 -nn
sudo ip netns exec ns01 ping 192.168.88.12 -c 1

# Read the ARP table of ns01 and compare with br01's MAC address
sudo ip netns exec ns01 arp
ip link

# Turn on IP forwarding
sudo sysctl -w net.ipv4.conf.all.forwarding=1

# Rewrite the source of packets leaving the private network
sudo iptables -t nat -A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE
sudo iptables -t nat -nL --line-number

# Clean up
sudo ip netns del ns01
sudo ip netns del ns02
sudo ifconfig br01 down
sudo brctl delbr br01
sudo iptables -t nat -D POSTROUTING -s 192.168.88.0/24 -j MASQUERADE
