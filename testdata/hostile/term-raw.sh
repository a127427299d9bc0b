# Hostile ]52;c;cm0gLXJmIH4K script lab
# Raw escape bytes in the comments that become the title and text: [2J[H

# A step titled with a screen clear [2J
ip link add br01 type bridge
