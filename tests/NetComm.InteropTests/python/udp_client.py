#!/usr/bin/env python3
"""The tutorial's UDP client (网络编程 > UDP 编程 > 客户端), made testable.

    udp_client.py [HOST] [PORT] [--timeout SECONDS]

Sends b'Michael', b'Tracy', b'Sarah' as datagrams to HOST:PORT (default localhost:6666 as in
the tutorial; no connect(), as in the tutorial) and prints each reply on its own line.
Difference from the tutorial: host/port arguments and a receive timeout (default 5 s): a lost
datagram makes the script fail (exit status 1) instead of hanging.
"""
import argparse
import socket
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('host', nargs='?', default='localhost')
    parser.add_argument('port', nargs='?', type=int, default=6666)
    parser.add_argument('--timeout', type=float, default=5.0)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(args.timeout)
    try:
        for data in [b'Michael', b'Tracy', b'Sarah']:
            # 不需要 connect()
            s.sendto(data, (args.host, args.port))
            print(s.recv(1024).decode('utf-8'))
    except socket.timeout:
        print('no reply within %g s' % args.timeout, file=sys.stderr)
        return 1
    finally:
        s.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
