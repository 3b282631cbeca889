# The tutorial's UDP server (网络编程 > UDP 编程 > 服务端), exactly as the tutorial prints it, with its
# indentation restored. Deviations:
#   1. SOCK_STREAM is corrected to SOCK_DGRAM: the tutorial's slip (a stream socket has no datagrams to
#      recvfrom without listen/accept);
#   2. `import sys` is added, to read the port;
#   3. the port is the first argument, 6666 (the tutorial's) without one; 0 binds a free port;
#   4. after bind(), one added line prints the bound port as "PORT <n>", so a test can find it. The
#      tutorial's own 'bind udp on 6666...' line is kept as it is, whatever the port.
# Everything else (binding 'localhost', the reply b'Hello, %s.' % data, running forever) is the
# tutorial's. Tests run it with python3 -u and kill it when done.
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# UDP 不需要listen(),直接接收
s.bind(('localhost', int(sys.argv[1]) if len(sys.argv) > 1 else 6666))
print('PORT %d' % s.getsockname()[1])

print('bind udp on 6666...')

while True:
    # 返回数据和客户端IP、端口
    data, addr = s.recvfrom(1024)
    print('Received from %s:%s.' % addr)
    # 向客户端回发
    s.sendto(b'Hello, %s.' % data, addr)
