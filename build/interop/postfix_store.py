#!/usr/bin/python3
"""Postfix pipe(8) delivery agent of the NetComm interop Postfix instance (transport
"interop-store", one recipient per call, run as the user mail).

  postfix_store.py OUT_DIR key=value ...   (message on stdin)

Stores the message exactly as Postfix hands it over (LF line ends; Postfix has prepended one
Received: header, nothing else; no Return-Path/Delivered-To/X-Original-To because pipe runs
without flags) in OUT_DIR/LOCALPART/STAMP-QUEUEID.eml, where LOCALPART is the recipient's local
part in lower case and STAMP is the UTC delivery time (YYYYmmddTHHMMSS.uuuuuu), so names sort
in delivery order. STAMP-QUEUEID.json, written first, holds the key=value arguments (queue_id,
sender, recipient, original_recipient, client_address, client_helo, protocol, sasl_method,
sasl_username, size) plus octets, sha256 and the .eml file name. The .eml appears last,
atomically. Exit status 75 (EX_TEMPFAIL) on any error.
"""
import hashlib
import json
import os
import sys
import time


def main():
    out_dir = sys.argv[1]
    raw = dict(os.fsencode(arg).partition(b"=")[::2] for arg in sys.argv[2:])
    meta = {k.decode("ascii"): v.decode("utf-8", "replace") for k, v in raw.items()}
    data = sys.stdin.buffer.read()
    local = raw.get(b"recipient", b"").rpartition(b"@")[0].decode("utf-8", "surrogateescape").lower()
    if not local or local.startswith(".") or "/" in local:
        local = "_invalid"
    box = os.path.join(out_dir, local)
    os.makedirs(box, exist_ok=True)
    now = time.time()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + ".%06d" % int(now % 1 * 1e6)
    stem = os.path.join(box, "%s-%s" % (stamp, meta.get("queue_id", "noqueue")))
    meta.update({
        "delivered_at": stamp,
        "octets": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "eml": os.path.basename(stem) + ".eml",
    })
    with open(stem + ".json.tmp", "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=1)
    os.replace(stem + ".json.tmp", stem + ".json")
    with open(stem + ".eml.tmp", "wb") as f:
        f.write(data)
    os.replace(stem + ".eml.tmp", stem + ".eml")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # pipe(8) puts stderr into the log / bounce
        print("interop-store: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(75)
