#!/usr/bin/env bash
# Seeds fuzz/corpus/{response,mux,lines} from the recorded transcripts under ../fixtures
# (raw responses, and the bodies of streams) and the hostile-response corpus. The corpora are
# not committed; run this once before `cargo fuzz run`.
set -euo pipefail
cd "$(dirname "$0")"
fixtures="${FIXTURES:-../fixtures}"
ls "$fixtures"/*/*.http >/dev/null 2>&1 || { echo "no transcripts under $fixtures/*/" >&2; exit 1; }
mkdir -p corpus/response corpus/mux corpus/lines
python3 - "$fixtures" <<'PY'
import glob, hashlib, os, re, sys
fixtures = sys.argv[1]
def put(target, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join("corpus", target, name), "wb") as f:
        f.write(data)
def dechunk(data):
    out = b""
    while b"\r\n" in data:
        line, data = data.split(b"\r\n", 1)
        try:
            size = int(line.split(b";")[0].strip(), 16)
        except ValueError:
            break
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2:]
    return out
# The layout of fixtures/README.md: numbered exchanges, each request, response and end marker
# on lines of their own.
EXCHANGE = re.compile(
    rb"===== REQUEST (\d+) =====\n(.*?)\n===== RESPONSE \1 =====\n(.*?)\n===== END \1: ([^\n]*) =====\n",
    re.S,
)
for path in sorted(glob.glob(os.path.join(fixtures, "*", "*.http"))):
    raw = open(path, "rb").read()
    for _, req, resp, ending in EXCHANGE.findall(raw):
        flags = 0
        if req.startswith(b"HEAD "):
            flags |= 1
        if b"\r\nUpgrade: tcp\r\n" in req:
            flags |= 2
        if ending == b"engine closed the connection":
            flags |= 4
        put("response", bytes([flags, 0x40, 0x00, 0x03]) + resp)
        put("response", bytes([flags | 8, 0x07, 0x00, 0x00]) + resp)
        head_end = resp.find(b"\r\n\r\n") + 4
        head, payload = resp[:head_end].lower(), resp[head_end:]
        if b"transfer-encoding: chunked" in head:
            payload = dechunk(payload)
        if not payload:
            continue
        line = req.split(b"\r\n", 1)[0]
        if flags & 2 or b"/logs" in line:
            put("mux", bytes([5, 3]) + payload)
        if any(w in line for w in (b"/events", b"/stats", b"/images/create", b"/load", b"/push")):
            put("lines", bytes([63, 9, 2]) + payload)
CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
def ok(headers, body=b""):
    return b"HTTP/1.1 200 OK\r\n" + headers + b"\r\n" + body
hostile = [
    CHUNKED + b"1ffffffffffffffff\r\n",
    CHUNKED + b"f0000000000000003\r\n",
    CHUNKED + b"ffffffffffffffff\r\nabc",
    CHUNKED + b"0x5\r\nhello\r\n0\r\n\r\n",
    CHUNKED + b"+5\r\nhello\r\n0\r\n\r\n",
    CHUNKED + b"5 5\r\nhello\r\n0\r\n\r\n",
    CHUNKED + b";ext\r\nhello\r\n0\r\n\r\n",
    CHUNKED + b"5;" + b"a" * 20000 + b"\r\nhello\r\n0\r\n\r\n",
    CHUNKED + b"5;a\nb\r\nhello\r\n0\r\n\r\n",
    CHUNKED + b"5" + b" " * 20000 + b"\r\nhello\r\n0\r\n\r\n",
    CHUNKED + b"5\r\nhelloXX0\r\n\r\n",
    CHUNKED + b"1\r\nZ\r\n\r\n",
    CHUNKED + b"0\r\nX: " + b"t" * 17000 + b"\r\n\r\n",
    CHUNKED + b"0\r\n" + b"a: b\r\n" * 101 + b"\r\n",
    CHUNKED + b"5\r\nhel",
    ok(b"Content-Length: -1\r\n"),
    ok(b"Content-Length: 0x10\r\n"),
    ok(b"Content-Length: 99999999999999999999999\r\n"),
    ok(b"Content-Length: 5\r\nContent-Length: 6\r\n", b"hello!"),
    ok(b"Content-Length: 5, 5\r\n", b"hello"),
    ok(b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\n"),
    ok(b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\n"),
    ok(b"Transfer-Encoding: chunked, gzip\r\n", b"0\r\n\r\n"),
    b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ok(b"Foo bar\r\n"),
    ok(b"Foo : bar\r\n"),
    ok(b"Foo: a\r\n b\r\n"),
    ok(b": v\r\n"),
    ok(b"a: b\r\n" * 200),
    b"HTTP/1.1 2000 OK\r\n\r\n",
    b"ICY 200 OK\r\n\r\n",
    b"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\n" * 10 + b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello",
    ok(b"Content-Length: 100\r\n", b"x" * 50),
    b"\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    b"HTTP/1.1 101 UPGRADED\r\nUpgrade: tcp\r\n\r\n\x01\x00\x00\x00\x00\x00\x00\x02ok",
]
for i, h in enumerate(hostile):
    put("response", bytes([i % 16, i, 0, i % 7]) + h)
for m in [b"\x01\x00\x00\x00\xff\xff\xff\xff" + b"o" * 64,
          b"\x05\x00\x00\x00\x00\x00\x00\x01x",
          b"\x03\x00\x00\x00\x00\x00\x00\x04oops\x02\x00\x00\x00\x00\x00\x00\x00",
          b"\x01\x00\x00\x00\x00\x00\x00\x05out1\n\x02\x00\x00"]:
    put("mux", bytes([3, 1]) + m)
for l in [b"{\"a\":1}\r\n{\"b\":2}\r\n", b"\n\r\n\x1e{}\n\n", b"x" * 200, b"abcd\r\n\x1eabcd\r\n"]:
    put("lines", bytes([3, 5, 0]) + l)
PY
echo "seeded: $(ls corpus/response | wc -l) response, $(ls corpus/mux | wc -l) mux, $(ls corpus/lines | wc -l) lines"
