# The tutorial's TCP client (网络编程 > TCP 编程 > 客户端), exactly as the tutorial prints it, with its
# indentation restored. Deviations, each needed to run it in a test:
#   1. `import sys` is added, to read the port;
#   2. the port is the first argument, 6666 (the tutorial's) without one.
# Everything else is the tutorial's: 'localhost', no newline after the names, each reply whatever one
# recv(1024) returns, b'exit' then close, and no timeout (tests bound the wait and kill it).
import socket
import sys
# AF_INET 表示 IPv4
# SOCK_STREAM 表示 TCP 协议
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# HTTP 协议规定客户端必须先发起请求,由服务端接收后再发送数据给客户端
# 端口 1024 以内为标准端口,如 SMTP 25,FTP 21
s.connect(('localhost', int(sys.argv[1]) if len(sys.argv) > 1 else 6666))
# 接收指定长度的字节数据
print(s.recv(1024).decode('utf-8'))
for data in [b'Michael', b'Tracy', b'Sarah']:
    s.send(data)
    print(s.recv(1024).decode('utf-8'))
s.send(b'exit')
s.close()
