#!/usr/bin/python3
"""Builds the POP3 maildirs served by the NetComm interop Dovecot instance.

  make_mail.py --mail-dir DIR --src-dir DIR --uid N --gid N [--bench] [USER ...]

Without USER arguments it rebuilds alice, bob, big and empty (plus bench and bench20m with
--bench). Every message is generated deterministically, so sizes, hashes and UIDLs are the same
after every rebuild. Messages are stored with LF line ends (as Dovecot stores them) in
DIR/USER/cur/ under file names "BASE,S=<file size>,W=<CRLF size>:2,"; Dovecot's UIDL
(pop3_uidl_format = %g) is the file name up to ":2,".

For each user, SRC/USER/manifest.json lists the messages in POP3 order:
  index, uidl, octets (the POP3 size: the message with CRLF line ends), sha256 (of those CRLF
  bytes, i.e. what RETR returns once the dot-stuffing and the final ".\r\n" are removed),
  subject (decoded), description.
For the small mailboxes (alice, bob, empty) SRC/USER/NNN.eml also holds those exact CRLF bytes.
The maildir is built beside the old one and swapped in with rename(2).
"""
import argparse
import base64
import email.header
import hashlib
import json
import os
import quopri
import random
import shutil
import struct
import sys
import zlib

DOMAIN = "example.test"
BASE_TIME = 1700000000


def hdr_utf8(text, charset="utf-8"):
    """RFC 2047 encoded-word(s) for text, folded with LF + space."""
    return email.header.Header(text, charset, maxlinelen=76).encode(linesep="\n")


def headers(n, user, subject, extra=(), from_="NetComm Interop <sender@example.test>"):
    lines = [
        "Return-Path: <sender@example.test>",
        "From: " + from_,
        "To: %s <%s@%s>" % (user.capitalize(), user, DOMAIN),
        "Subject: " + subject,
        "Date: Mon, 01 Jan 2024 %02d:%02d:00 +0000" % (10 + n // 60 % 12, n % 60),
        "Message-ID: <%s-%04d@netcomm.test>" % (user, n),
        "MIME-Version: 1.0",
    ]
    lines.extend(extra)
    return "\n".join(lines) + "\n"


def tiny_png():
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"\x00\xff\x80\x00" * 1  # one row: filter byte + one RGB pixel
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def b64lines(data):
    return base64.encodebytes(data).decode("ascii")


def alice_messages(user):
    msgs = []

    def add(desc, text):
        msgs.append((desc, text if isinstance(text, bytes) else text.encode("utf-8")))

    add("plain ASCII text", headers(1, user, "Plain ASCII message", [
        "Content-Type: text/plain; charset=us-ascii",
        "Content-Transfer-Encoding: 7bit"]) +
        "\nHello Alice,\n\nThis is a plain 7-bit message.\n\n-- \nNetComm interop\n")

    add("UTF-8 base64 encoded-word subject and display name, 8bit UTF-8 body",
        headers(2, user, hdr_utf8("Grüße, 你好, Привет 👋 — UTF-8 subject"), [
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit"],
            from_=hdr_utf8("Zoë Ünïcode") + " <zoe@example.test>") +
        "\nUTF-8 body: Grüße aus München, 你好世界, Привет мир, emoji 😀.\n"
        "Second line with ümlauts and ß.\n")

    latin1_body = ("Grüße aus Köln! Ça va? Déjà vu, naïve café, Ærøskøbing. "
                   "This line is long enough that quoted-printable needs a soft line break "
                   "somewhere in the middle of it. Fin: ÿ.\nZweite Zeile = gleich.\n")
    add("ISO-8859-1 quoted-printable subject and body",
        headers(3, user, "=?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln_=28Latin-1=29?=", [
            "Content-Type: text/plain; charset=ISO-8859-1",
            "Content-Transfer-Encoding: quoted-printable"]).encode("ascii") + b"\n" +
        quopri.encodestring(latin1_body.encode("latin-1")))

    gb_subject = "=?GB2312?B?%s?=" % base64.b64encode("你好，世界".encode("gb2312")).decode()
    gbk_comment = "=?GBK?B?%s?=" % base64.b64encode("中文邮件测试（GBK）".encode("gbk")).decode()
    add("GB2312 base64 subject, GBK encoded-word header, raw 8bit GBK body",
        headers(4, user, gb_subject, [
            "Comments: " + gbk_comment,
            "Content-Type: text/plain; charset=GBK",
            "Content-Transfer-Encoding: 8bit"]).encode("ascii") + b"\n" +
        "这是一封用 GBK 编码的邮件。\n第二行：网络编程。\n".encode("gbk"))

    attach = bytes(range(256)) * 8
    add("multipart/mixed > multipart/alternative (text + html) + RFC 2231 named attachment",
        headers(5, user, "Nested multipart with attachment", [
            'Content-Type: multipart/mixed; boundary="=_mixed_5"']) +
        "\nThis is a multi-part message in MIME format.\n"
        "\n--=_mixed_5\n"
        'Content-Type: multipart/alternative; boundary="=_alt_5"\n'
        "\n--=_alt_5\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: quoted-printable\n\n" +
        quopri.encodestring("Plain part: café ✓\n".encode("utf-8")).decode("ascii") +
        "\n--=_alt_5\n"
        "Content-Type: text/html; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n\n" +
        b64lines("<html><body><p>HTML part: café ✓</p></body></html>\n".encode("utf-8")) +
        "\n--=_alt_5--\n"
        "\n--=_mixed_5\n"
        "Content-Type: application/octet-stream; name=\"=?UTF-8?B?5oql5ZGKLmJpbg==?=\"\n"
        "Content-Disposition: attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.bin\n"
        "Content-Transfer-Encoding: base64\n\n" +
        b64lines(attach) +
        "\n--=_mixed_5--\n")

    add("multipart/related: HTML referencing an inline image by cid",
        headers(6, user, "Related part with cid image", [
            'Content-Type: multipart/related; boundary="=_rel_6"; type="text/html"']) +
        "\n--=_rel_6\n"
        "Content-Type: text/html; charset=us-ascii\n"
        "Content-Transfer-Encoding: 7bit\n\n"
        '<html><body><p>Logo:</p><img src="cid:logo.6@netcomm.test" alt="logo"></body></html>\n'
        "\n--=_rel_6\n"
        "Content-Type: image/png; name=logo.png\n"
        "Content-ID: <logo.6@netcomm.test>\n"
        "Content-Disposition: inline; filename=logo.png\n"
        "Content-Transfer-Encoding: base64\n\n" +
        b64lines(tiny_png()) +
        "\n--=_rel_6--\n")

    add("lines starting with dots; the last body line is a lone '.'",
        headers(7, user, "Dot-stuffing test", [
            "Content-Type: text/plain; charset=us-ascii"]) +
        "\n.hidden\n..\n.\n...\n. leading dot and space\nmiddle line\n.\n")

    long_line = ("0123456789" * 100)[:998]
    add("8bit UTF-8 body with a 998-octet line, trailing spaces and tabs",
        headers(8, user, "8bit body with long lines", [
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit"]) +
        "\n" + long_line + "\ntrailing spaces   \n\ttab-indented ✓\nλ\n")

    add("multipart/mixed containing a message/rfc822 with an encoded subject",
        headers(9, user, "Fwd: forwarded message", [
            'Content-Type: multipart/mixed; boundary="=_fwd_9"']) +
        "\n--=_fwd_9\n"
        "Content-Type: text/plain; charset=us-ascii\n\n"
        "See the forwarded message below.\n"
        "\n--=_fwd_9\n"
        "Content-Type: message/rfc822\n"
        "Content-Disposition: inline\n\n"
        "From: Bob <bob@example.test>\n"
        "To: Alice <alice@example.test>\n"
        "Subject: " + hdr_utf8("Inner: résumé") + "\n"
        "Date: Sun, 31 Dec 2023 23:59:59 +0100\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        "Inner body: résumé.\n"
        "\n--=_fwd_9--\n")

    add("headers only, empty body",
        headers(10, user, "Headers only") + "\n")

    add("folded headers: long multi-word encoded subject, folded To, Received trace",
        "Received: from client.example.test (client.example.test [192.0.2.10])\n"
        "\tby mx.example.test (Postfix) with ESMTPS id 4ABCDEF\n"
        "\tfor <alice@example.test>; Mon, 01 Jan 2024 09:59:59 +0000 (UTC)\n" +
        headers(11, user, hdr_utf8(
            "A deliberately long subject line that mixes ASCII and non-ASCII text "
            "(naïve façade, 日本語のテキスト, Ελληνικά) so that it must be folded"), [
            "Cc: First Person <first@example.test>,\n Second Person <second@example.test>,\n"
            "\tThird Person <third@example.test>",
            "Content-Type: text/plain; charset=us-ascii"]) +
        "\nFolded header test.\n")
    return msgs


def bob_messages(user):
    return [("simple message %d for bob" % i,
             (headers(i, user, "Message %d for bob" % i) + "\nBody of message %d.\n" % i).encode())
            for i in range(1, 4)]


def filler_text(rng, size):
    words = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
             "november oscar papa quebec romeo sierra tango uniform victor whiskey xray "
             "yankee zulu").split()
    out, total = [], 0
    while total < size:
        line = " ".join(rng.choice(words) for _ in range(10))
        out.append(line)
        total += len(line) + 1
    return "\n".join(out) + "\n"


def big_message(user, n, seed, raw_size=15_500_000):
    """About 20 MiB on disk: a text part plus a base64 attachment of raw_size random bytes."""
    rng = random.Random(seed)
    data = rng.randbytes(raw_size)
    head = (headers(n, user, "Big message %d (about 20 MB)" % n, [
        'Content-Type: multipart/mixed; boundary="=_big"']) +
        "\n--=_big\nContent-Type: text/plain; charset=us-ascii\n\nA large attachment follows.\n"
        "\n--=_big\nContent-Type: application/octet-stream; name=big.bin\n"
        "Content-Disposition: attachment; filename=big.bin\n"
        "Content-Transfer-Encoding: base64\n\n")
    return head.encode() + base64.encodebytes(data) + b"\n--=_big--\n"


def big_messages(user):
    return [("about 20 MB: text + 15.5 MB base64 attachment", big_message(user, 1, 20))]


def bench_messages(user):
    rng = random.Random(1000)
    return [("benchmark message of about 10 KB",
             (headers(i, user, "Benchmark message %d" % i, [
                 "Content-Type: text/plain; charset=us-ascii"]) + "\n" +
              filler_text(rng, 10_000)).encode())
            for i in range(1, 1001)]


def bench20m_messages(user):
    for i in range(1, 11):
        yield ("benchmark message of about 20 MB", big_message(user, i, 2000 + i))


GENERATORS = {
    "alice": (alice_messages, True),
    "bob": (bob_messages, True),
    "big": (big_messages, False),
    "empty": (lambda user: [], True),
    "bench": (bench_messages, False),
    "bench20m": (bench20m_messages, False),
}
DEFAULT_USERS = ["alice", "bob", "big", "empty"]
BENCH_USERS = ["bench", "bench20m"]


def decoded_subject(lf_bytes):
    head = lf_bytes.split(b"\n\n", 1)[0].decode("latin-1")
    for line in head.replace("\n ", " ").replace("\n\t", " ").split("\n"):
        if line.lower().startswith("subject:"):
            raw = line[8:].strip()
            try:
                return str(email.header.make_header(email.header.decode_header(raw)))
            except Exception:
                return raw
    return None


def chown_tree(path, uid, gid):
    for root, dirs, files in os.walk(path):
        os.chown(root, uid, gid)
        for name in files:
            os.chown(os.path.join(root, name), uid, gid)


def build_user(user, mail_dir, src_dir, uid, gid):
    gen, keep_copies = GENERATORS[user]
    tmp = os.path.join(mail_dir, ".%s.new" % user)
    shutil.rmtree(tmp, ignore_errors=True)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(tmp, sub))
    user_src = os.path.join(src_dir, user)
    shutil.rmtree(user_src, ignore_errors=True)
    os.makedirs(user_src)
    manifest = []
    for i, (desc, lf) in enumerate(gen(user), 1):
        assert b"\r" not in lf and lf.endswith(b"\n"), (user, i)
        crlf = lf.replace(b"\n", b"\r\n")
        base = "%d.M%dP%d.netcomm-interop" % (BASE_TIME + i, i, 7)
        fname = "%s,S=%d,W=%d:2," % (base, len(lf), len(crlf))
        with open(os.path.join(tmp, "cur", fname), "wb") as f:
            f.write(lf)
        os.utime(os.path.join(tmp, "cur", fname), (BASE_TIME + i, BASE_TIME + i))
        entry = {"index": i, "uidl": fname.split(":")[0], "octets": len(crlf),
                 "sha256": hashlib.sha256(crlf).hexdigest(),
                 "subject": decoded_subject(lf), "description": desc}
        if keep_copies:
            entry["eml"] = "%03d.eml" % i
            with open(os.path.join(user_src, entry["eml"]), "wb") as f:
                f.write(crlf)
        manifest.append(entry)
    with open(os.path.join(user_src, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump({"user": user, "count": len(manifest),
                   "total_octets": sum(m["octets"] for m in manifest),
                   "messages": manifest}, f, ensure_ascii=False, indent=1)
    chown_tree(tmp, uid, gid)
    final = os.path.join(mail_dir, user)
    old = os.path.join(mail_dir, ".%s.old" % user)
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(final):
        os.rename(final, old)
    os.rename(tmp, final)
    shutil.rmtree(old, ignore_errors=True)
    print("%-9s %5d messages, %d octets" % (user, len(manifest), sum(m["octets"] for m in manifest)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mail-dir", required=True)
    p.add_argument("--src-dir", required=True)
    p.add_argument("--uid", type=int, required=True)
    p.add_argument("--gid", type=int, required=True)
    p.add_argument("--bench", action="store_true")
    p.add_argument("users", nargs="*")
    a = p.parse_args()
    users = a.users or DEFAULT_USERS + (BENCH_USERS if a.bench else [])
    unknown = [u for u in users if u not in GENERATORS]
    if unknown:
        sys.exit("unknown mailbox(es): %s (known: %s)" % (" ".join(unknown), " ".join(GENERATORS)))
    os.makedirs(a.mail_dir, exist_ok=True)
    os.makedirs(a.src_dir, exist_ok=True)
    for u in users:
        build_user(u, a.mail_dir, a.src_dir, a.uid, a.gid)


if __name__ == "__main__":
    main()
