# The tutorial's UDP client (网络编程 > UDP 编程 > 客户端), exactly as the tutorial prints it, with its
# indentation restored. Deviations, each needed to run it in a test:
#   1. `import sys` is added, to read the port;
#   2. the port is the first argument, 6666 (the tutorial's) without one.
# Everything else is the tutorial's: 'localhost', no connect(), each reply whatever one recv(1024)
# returns, and no timeout (tests bound the wait and kill it).
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

for data in [b'Michael', b'Tracy', b'Sarah']:
    # 不需要 connect()
    s.sendto(data, ('localhost', int(sys.argv[1]) if len(sys.argv) > 1 else 6666))
    print(s.recv(1024).decode('utf-8'))
s.close()
