#!/usr/bin/python3
"""aiosmtpd-based SMTP sink for the NetComm interop tests (run with Debian's /usr/bin/python3,
which has python3-aiosmtpd).

Offers STARTTLS (not required), AUTH PLAIN / LOGIN / CRAM-MD5 (allowed before STARTTLS, never
required), SMTPUTF8, 8BITMIME and SIZE. Every accepted message is saved in --out as
NNNNNN.json (envelope) and then NNNNNN.eml (the DATA bytes exactly as received after
dot-unstuffing, CRLF line ends, no header added). The .eml appears last, atomically, so a test
can poll for it. Recipients in the domain reject.test are refused with 550 5.1.1.
"""
import argparse
import asyncio
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import signal
import ssl
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

log = logging.getLogger("netcomm.aiosmtpd")


def load_users(path):
    users = {}
    with open(path, "rb") as f:
        for line in f:
            line = line.rstrip(b"\r\n")
            if not line or line.startswith(b"#"):
                continue
            name, password = line.split(b":", 1)
            users[name] = password
    return users


class Handler:
    def __init__(self, out_dir, users):
        self.out_dir = out_dir
        self.users = users
        os.makedirs(out_dir, exist_ok=True)
        numbers = [int(m.group(1)) for m in map(re.compile(r"^(\d+)\.(?:eml|json)$").match,
                                                  os.listdir(out_dir)) if m]
        self.next_number = max(numbers, default=0) + 1

    # --- AUTH -------------------------------------------------------------------------------
    def authenticator(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            expected = self.users.get(auth_data.login)
            if expected is not None and hmac.compare_digest(expected, auth_data.password):
                return AuthResult(success=True, auth_data=auth_data.login.decode("utf-8", "replace"))
        log.info("AUTH %s failed", mechanism)
        return AuthResult(success=False, handled=False)

    async def auth_CRAM__MD5(self, server, args):
        if len(args) != 1:
            await server.push("501 5.5.4 CRAM-MD5 takes no initial response")
            return AuthResult(success=False, handled=True)
        challenge = "<%s.%d@localhost>" % (secrets.token_hex(8), int(time.time()))
        response = await server.challenge_auth(challenge)
        if not isinstance(response, bytes):  # client aborted with "*" or sent bad base64
            return AuthResult(success=False, handled=True)
        try:
            user, digest = response.rsplit(b" ", 1)
        except ValueError:
            return AuthResult(success=False, handled=False)
        password = self.users.get(user)
        if password is not None:
            want = hmac.new(password, challenge.encode(), hashlib.md5).hexdigest().encode()
            if hmac.compare_digest(want, digest.lower()):
                return AuthResult(success=True, auth_data=user.decode("utf-8", "replace"))
        return AuthResult(success=False, handled=False)

    # --- envelope ---------------------------------------------------------------------------
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@reject.test"):
            return "550 5.1.1 <%s>: Recipient address rejected: reject.test" % address
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.append(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        n = self.next_number
        self.next_number += 1
        stem = os.path.join(self.out_dir, "%06d" % n)
        raw = envelope.original_content
        tls = None
        if session.ssl:
            obj = session.ssl.get("ssl_object")
            tls = obj.version() if obj is not None else True
        meta = {
            "number": n,
            "received_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "peer": list(session.peer) if session.peer else None,
            "helo": session.host_name,
            "esmtp": session.extended_smtp,
            "tls": tls,
            "auth": session.auth_data if session.authenticated else None,
            "mail_from": envelope.mail_from,
            "mail_options": envelope.mail_options,
            "rcpt_tos": envelope.rcpt_tos,
            "rcpt_options": envelope.rcpt_options,
            "smtputf8": envelope.smtp_utf8,
            "size": len(raw),
            "sha256": hashlib.sha256(raw).hexdigest(),
        }
        with open(stem + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(meta, f, ensure_ascii=False, indent=1)
        os.replace(stem + ".json.tmp", stem + ".json")
        with open(stem + ".eml.tmp", "wb") as f:
            f.write(raw)
        os.replace(stem + ".eml.tmp", stem + ".eml")
        log.info("saved %06d from=%r to=%r size=%d", n, envelope.mail_from, envelope.rcpt_tos, len(raw))
        return "250 2.0.0 OK: saved as %06d" % n


async def serve(args):
    users = load_users(args.users)
    handler = Handler(args.out, users)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(args.cert, args.key)

    def factory():
        return SMTP(handler,
                    hostname="localhost",
                    ident="NetComm interop aiosmtpd",
                    data_size_limit=args.size,
                    enable_SMTPUTF8=True,
                    decode_data=False,
                    tls_context=tls,
                    require_starttls=False,
                    auth_required=False,
                    auth_require_tls=False,
                    authenticator=handler.authenticator)

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, host=args.host, port=args.port)
    port = server.sockets[0].getsockname()[1]
    if args.pidfile:
        with open(args.pidfile + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.replace(args.pidfile + ".tmp", args.pidfile)
    print("aiosmtpd listening on %s:%d, saving to %s" % (args.host, port, args.out), flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()
    if args.pidfile:
        try:
            os.unlink(args.pidfile)
        except FileNotFoundError:
            pass
    print("aiosmtpd stopped", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--users", required=True, help="file of user:password lines")
    p.add_argument("--out", required=True)
    p.add_argument("--pidfile", help="written once the port is bound, removed on exit")
    p.add_argument("--size", type=int, default=30000000)
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
