#!/usr/bin/python3
"""Small helpers for build/interop.sh (stdlib only; run with Debian's /usr/bin/python3).

  helper.py ports N                  print N distinct free TCP ports on 127.0.0.1, one per line
  helper.py render TEMPLATE OUT      copy TEMPLATE to OUT replacing @NAME@ with $INTEROP_NAME
  helper.py wait NAME=PORT ...       wait (bounded by $INTEROP_WAIT_SECONDS, default 30) until each
                                     127.0.0.1:PORT accepts a TCP connection; exit 1 naming the
                                     ones that never did
  helper.py probe PORT               exit 0 if 127.0.0.1:PORT accepts a connection now
"""
import os
import re
import socket
import sys
import time


def free_ports(n):
    # Hold all sockets open at once so the kernel hands out n distinct ports,
    # then release them for the servers to bind.
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def probe(port, timeout=1.0):
    try:
        with socket.create_connection(("127.0.0.1", int(port)), timeout=timeout):
            return True
    except OSError:
        return False


def render(template, out):
    with open(template, encoding="utf-8") as f:
        text = f.read()
    missing = []

    def sub(m):
        key = "INTEROP_" + m.group(1)
        if key not in os.environ:
            missing.append(key)
            return m.group(0)
        return os.environ[key]

    text = re.sub(r"@([A-Z0-9_]+)@", sub, text)
    if missing:
        sys.exit("render %s: unset variables: %s" % (template, ", ".join(sorted(set(missing)))))
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, out)


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "ports":
        for p in free_ports(int(argv[2])):
            print(p)
    elif cmd == "render":
        render(argv[2], argv[3])
    elif cmd == "probe":
        return 0 if probe(argv[2]) else 1
    elif cmd == "wait":
        deadline = time.monotonic() + float(os.environ.get("INTEROP_WAIT_SECONDS", "30"))
        pending = dict(a.split("=", 1) for a in argv[2:])
        while pending and time.monotonic() < deadline:
            for name, port in list(pending.items()):
                if probe(port, 0.5):
                    del pending[name]
            if pending:
                time.sleep(0.2)
        if pending:
            print("not accepting connections: " + ", ".join(
                "%s (127.0.0.1:%s)" % kv for kv in pending.items()), file=sys.stderr)
            return 1
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
