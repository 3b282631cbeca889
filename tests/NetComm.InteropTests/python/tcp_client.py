#!/usr/bin/env python3
"""The tutorial's TCP client (网络编程 > TCP 编程 > 客户端), made testable.

    tcp_client.py [HOST] [PORT] [--timeout SECONDS]

Connects to HOST:PORT (default localhost:6666 as in the tutorial), prints the greeting, sends
b'Michael', b'Tracy', b'Sarah' one at a time, printing each reply on its own line, then sends
b'exit' and closes. Like the tutorial, each reply is whatever one recv(1024) returns.
Difference from the tutorial: host/port arguments and a socket timeout (default 10 s) so a
broken server fails the test instead of hanging it.
"""
import argparse
import socket
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('host', nargs='?', default='localhost')
    parser.add_argument('port', nargs='?', type=int, default=6666)
    parser.add_argument('--timeout', type=float, default=10.0)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    # AF_INET 表示 IPv4
    # SOCK_STREAM 表示 TCP 协议
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(args.timeout)
    s.connect((args.host, args.port))
    # 接收指定长度的字节数据
    print(s.recv(1024).decode('utf-8'))
    for data in [b'Michael', b'Tracy', b'Sarah']:
        s.send(data)
        print(s.recv(1024).decode('utf-8'))
    s.send(b'exit')
    s.close()


if __name__ == '__main__':
    main()
