"""The Python peer of `compare smtp`'s smtp.sessions-python: what a smtplib user writes.

COUNT sessions, each: connect, STARTTLS (the interop CA trusted through an ssl context, host name checked),
EHLO, AUTH PLAIN, one message (the same bytes NetComm sends, read from a file), QUIT. Standard library only.
Prints one line: sessions per second, timed around the sessions only (interpreter start and imports excluded).
"""

import argparse
import smtplib
import ssl
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True, help="the name the certificate is checked against")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--mail-from", required=True)
    parser.add_argument("--rcpt-to", required=True)
    parser.add_argument("--message", required=True, help="the message as CRLF bytes")
    parser.add_argument("--local-hostname", default="bench.example.test")
    parser.add_argument("--count", type=int, required=True)
    args = parser.parse_args()

    context = ssl.create_default_context(cafile=args.cafile)
    with open(args.message, "rb") as f:
        message = f.read()

    start = time.perf_counter()
    for _ in range(args.count):
        smtp = smtplib.SMTP(args.host, args.port, local_hostname=args.local_hostname)
        try:
            smtp.starttls(context=context)
            smtp.ehlo()
            # PLAIN on both sides: login() would pick CRAM-MD5 here, and NetComm does not offer it.
            smtp.user, smtp.password = args.user, args.password
            smtp.auth("PLAIN", smtp.auth_plain)
            refused = smtp.sendmail(args.mail_from, [args.rcpt_to], message)
            if refused:
                raise RuntimeError(f"recipients refused: {refused}")
            smtp.quit()
        finally:
            smtp.close()
    elapsed = time.perf_counter() - start
    print(f"{args.count / elapsed:.3f}")


if __name__ == "__main__":
    main()
