#!/usr/bin/env python3
"""The tutorial's TCP server (网络编程 > TCP 编程 > 服务端), made testable.

    tcp_server.py [HOST] [PORT] [--clients N] [--delay SECONDS]

HOST defaults to 'localhost' and PORT to the tutorial's 6666; PORT 0 binds an ephemeral port.
The first stdout line is "PORT <n>" (the bound port), flushed, then the tutorial's messages.
Each connection is handled in its own thread, as in the tutorial: it sends b'Welcome.', then
answers every message NAME with 'hello, NAME.' until it receives 'exit' or the peer closes.
Like the tutorial there is no framing: one recv(1024) is one message (its client sends a word
and waits for the reply before sending the next).
Differences from the tutorial, for tests: host/port arguments; with --clients N the server
stops accepting after N connections and exits once they are all closed (default 0: forever);
it exits on SIGTERM/SIGINT; --delay is the tutorial's time.sleep(1) after each recv (default
1.0 as in the tutorial; tests may pass 0); a connection reset by the peer just ends its thread.
"""
import argparse
import signal
import socket
import sys
import threading
import time

DELAY = 1.0


def tcplink(sock, addr):
    print('accept new connection from %s:%s...' % addr)
    try:
        sock.send(b'Welcome.')
        while True:
            data = sock.recv(1024)
            time.sleep(DELAY)
            if not data or data.decode('utf-8') == 'exit':
                break
            print(f"receive, {data.decode('utf-8')}")
            sock.send(('hello, %s.' % data.decode('utf-8')).encode('utf-8'))
    except OSError as e:
        print('connection from %s:%s failed: %s' % (addr[0], addr[1], e))
    finally:
        sock.close()
    print('connection from %s:%s closed.' % addr)


def main():
    global DELAY
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('host', nargs='?', default='localhost')
    parser.add_argument('port', nargs='?', type=int, default=6666)
    parser.add_argument('--clients', type=int, default=0, help='exit after N clients (0: never)')
    parser.add_argument('--delay', type=float, default=1.0, help="the tutorial's sleep after each recv")
    args = parser.parse_args()
    DELAY = args.delay
    sys.stdout.reconfigure(line_buffering=True)

    def stop(signum, frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    # 创建一个 Socket
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # 绑定地址和端口
    s.bind((args.host, args.port))
    # 开始监听,5 是最大连接数
    s.listen(5)
    print('PORT %d' % s.getsockname()[1], flush=True)
    print('Waiting for connection...')

    threads = []
    try:
        # 通过永久循环接收客户端连接
        while args.clients == 0 or len(threads) < args.clients:
            # 接收并返回一个客户端连接
            sock, addr = s.accept()
            # 构造一个线程处理这个连接
            t = threading.Thread(target=tcplink, args=(sock, addr), daemon=True)
            # 启动线程
            t.start()
            threads.append(t)
        s.close()
        for t in threads:
            t.join()
    finally:
        s.close()


if __name__ == '__main__':
    main()
