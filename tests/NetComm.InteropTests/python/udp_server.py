#!/usr/bin/env python3
"""The tutorial's UDP server (网络编程 > UDP 编程 > 服务端), made testable.

    udp_server.py [HOST] [PORT] [--datagrams N]

Binds a UDP socket to HOST:PORT (default localhost:6666 as in the tutorial; PORT 0 picks an
ephemeral port) and answers every datagram NAME with b'Hello, NAME.'. The first stdout line is
"PORT <n>" (the bound port), flushed.
The tutorial creates this socket with SOCK_STREAM, which is a bug (a stream socket has no
recvfrom() datagrams without listen/accept); UDP needs SOCK_DGRAM, used here.
Other differences, for tests: host/port arguments; with --datagrams N it exits after answering
N datagrams (UDP has no connections, so "clients" are counted in datagrams; the tutorial's
client sends 3); it exits on SIGTERM/SIGINT.
"""
import argparse
import signal
import socket
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('host', nargs='?', default='localhost')
    parser.add_argument('port', nargs='?', type=int, default=6666)
    parser.add_argument('--datagrams', type=int, default=0, help='exit after N datagrams (0: never)')
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    def stop(signum, frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # UDP 不需要listen(),直接接收
    s.bind((args.host, args.port))
    port = s.getsockname()[1]
    print('PORT %d' % port, flush=True)
    print('bind udp on %d...' % port)

    answered = 0
    try:
        while args.datagrams == 0 or answered < args.datagrams:
            # 返回数据和客户端IP、端口
            data, addr = s.recvfrom(1024)
            print('Received from %s:%s.' % addr)
            # 向客户端回发
            s.sendto(b'Hello, %s.' % data, addr)
            answered += 1
    finally:
        s.close()


if __name__ == '__main__':
    main()
