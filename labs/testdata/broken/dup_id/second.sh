# Second
ip link
