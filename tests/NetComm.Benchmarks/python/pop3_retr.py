"""The Python peer of `compare pop3`'s pop3.retr-1000x10k-python: what a poplib user writes.

Plain POP3: log in (USER/PASS, untimed), then STAT, UIDL and RETR of every message, each kept as its raw
bytes. Standard library only. Prints one line: messages per second, timed from STAT to the last RETR
(interpreter start, imports, connecting and logging in excluded, as on the NetComm side).
"""

import argparse
import poplib
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--expect", type=int, required=True, help="how many messages the mailbox must hold")
    args = parser.parse_args()

    pop = poplib.POP3(args.host, args.port)
    try:
        pop.user(args.user)
        pop.pass_(args.password)

        start = time.perf_counter()
        count, _ = pop.stat()
        uids = pop.uidl()[1]
        messages = []
        for number in range(1, count + 1):
            _, lines, _ = pop.retr(number)
            messages.append(b"\r\n".join(lines))
        elapsed = time.perf_counter() - start

        pop.quit()
    finally:
        pop.close()

    if len(messages) != args.expect or len(uids) != args.expect:
        sys.exit(f"expected {args.expect} messages and uids, got {len(messages)} and {len(uids)}")
    print(f"{len(messages) / elapsed:.3f}")


if __name__ == "__main__":
    main()
