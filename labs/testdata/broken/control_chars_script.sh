# Escapes ]52;c;aGk= in a script
# Its summary.

# Step one [2J
ip link add br0 type bridge
