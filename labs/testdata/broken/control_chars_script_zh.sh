# 中文的标题
# 一个[31m中文的脚本实验。

ip netns add ns01
