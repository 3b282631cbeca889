# The tutorial's TCP server (网络编程 > TCP 编程 > 服务端), exactly as the tutorial prints it, with its
# indentation restored. Deviations, each needed to run it in a test:
#   1. `import sys` is added, to read the port;
#   2. the port is the first argument, 6666 (the tutorial's) without one; 0 binds a free port;
#   3. after listen(), one added line prints the bound port as "PORT <n>", so a test can find it.
# Everything else (binding 'localhost', the thread per connection, time.sleep(1) after each recv, the
# replies, running forever) is the tutorial's. Tests run it with python3 -u and kill it when done.
import socket, threading, time
import sys
# 创建一个 Socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# 绑定地址和端口
# 0.0.0.0 是广播地址,集所有网络地址
# 127.0.0.1 表示本机地址
s.bind(('localhost', int(sys.argv[1]) if len(sys.argv) > 1 else 6666))
# 开始监听,5 是最大连接数
s.listen(5)
print('PORT %d' % s.getsockname()[1])
print('Waiting for connection...')

def tcplink(sock, addr):
    print('accept new connection from %s:%s...' % addr)
    sock.send(b'Welcome.')

    while True:
        data = sock.recv(1024)
        time.sleep(1)
        if not data or data.decode('utf-8') == 'exit':
            break
        print(f"receive, {data.decode('utf-8')}")
        sock.send(('hello, %s.' % data.decode('utf-8')).encode('utf-8'))
    sock.close()
    print('connection from %s:%s closed.' % addr)

# 通过永久循环接收客户端连接
while True:
    # 接收并返回一个客户端连接
    sock, addr = s.accept()
    # 构造一个线程处理这个连接
    t = threading.Thread(target=tcplink, args=(sock, addr))
    # 启动线程
    t.start()
