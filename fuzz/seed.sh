#!/usr/bin/env bash
# Seeds fuzz/corpus/<target> (or $OUT/<target>) for every target from the recorded transcripts under
# ../fixtures (raw responses, the bodies of streams, JSON answers, requests, tar archives)
# and the hostile-response corpus. Run it once before `cargo fuzz run`; the small corpus
# kept in the repository (fuzz/seeds/, see README.md) was made from its output.
set -euo pipefail
cd "$(dirname "$0")"
# `./seed.sh --seeds` rewrites seeds/, the small corpus kept in the repository: of a fresh
# seeding, per target, at most 24 inputs of at most 12 KiB, spread evenly over their sizes.
if [ "${1:-}" = "--seeds" ]; then
    tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
    OUT="$tmp" "$0"
    rm -rf seeds
    python3 - "$tmp" seeds <<'PY'
import os, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
for target in sorted(os.listdir(src)):
    files = sorted((os.path.getsize(os.path.join(src, target, f)), f) for f in os.listdir(os.path.join(src, target)))
    small = [f for size, f in files if size <= 12288]
    step = max(1, len(small) / 24)
    picked = sorted({small[int(i * step)] for i in range(min(24, len(small)))})
    os.makedirs(os.path.join(dst, target))
    for f in picked:
        shutil.copy(os.path.join(src, target, f), os.path.join(dst, target, f))
    print(f"{target}: {len(picked)}", end="  ")
print()
PY
    exit 0
fi
fixtures="${FIXTURES:-../fixtures}"
out="${OUT:-corpus}"
ls "$fixtures"/*/*.http >/dev/null 2>&1 || { echo "no transcripts under $fixtures/*/" >&2; exit 1; }
targets="response chunked mux lines request models tar websocket"
for t in $targets; do mkdir -p "$out/$t"; done
python3 - "$fixtures" "$out" <<'PY'
import glob, hashlib, json, os, re, sys
fixtures = sys.argv[1]
out = sys.argv[2]
# The models in the order of fuzz_targets/models.rs: byte 0 of a models input picks one.
MODELS = re.search(r"models!\((.*?)\);", open("fuzz_targets/models.rs").read(), re.S).group(1)
MODELS = [m.strip() for m in re.split(r",(?![^<]*>)", MODELS) if m.strip()]
# Which model answers which request (the first match wins).
ROUTES = [
    (rb"GET /v[\d.]+/containers/json", "Vec<ContainerSummary>"),
    (rb"GET /v[\d.]+/containers/[^/]+/json", "ContainerInspect"),
    (rb"GET /v[\d.]+/containers/[^/]+/top", "ContainerTop"),
    (rb"GET /v[\d.]+/containers/[^/]+/changes", "Vec<FileChange>"),
    (rb"GET /v[\d.]+/containers/[^/]+/stats", "ContainerStats"),
    (rb"POST /v[\d.]+/containers/create", "ContainerCreateResponse"),
    (rb"POST /v[\d.]+/containers/[^/]+/wait", "ContainerWaitResponse"),
    (rb"POST /v[\d.]+/containers/[^/]+/update", "ContainerUpdateResponse"),
    (rb"POST /v[\d.]+/containers/prune", "ContainerPruneResponse"),
    (rb"POST /v[\d.]+/commit", "IdResponse"),
    (rb"GET /v[\d.]+/images/json", "Vec<ImageSummary>"),
    (rb"GET /v[\d.]+/images/[^ ]+/history", "Vec<ImageHistoryItem>"),
    (rb"GET /v[\d.]+/images/[^ ]+/json", "ImageInspect"),
    (rb"DELETE /v[\d.]+/images/", "Vec<ImageDeleteResponseItem>"),
    (rb"POST /v[\d.]+/images/prune", "ImagePruneResponse"),
    (rb"GET /v[\d.]+/networks ", "Vec<NetworkInspect>"),
    (rb"GET /v[\d.]+/networks\?", "Vec<NetworkInspect>"),
    (rb"GET /v[\d.]+/networks/", "NetworkInspect"),
    (rb"POST /v[\d.]+/networks/create", "NetworkCreateResponse"),
    (rb"POST /v[\d.]+/networks/prune", "NetworkPruneResponse"),
    (rb"GET /v[\d.]+/volumes ", "VolumeListResponse"),
    (rb"GET /v[\d.]+/volumes\?", "VolumeListResponse"),
    (rb"GET /v[\d.]+/volumes/", "Volume"),
    (rb"POST /v[\d.]+/volumes/create", "Volume"),
    (rb"POST /v[\d.]+/volumes/prune", "VolumePruneResponse"),
    (rb"POST /v[\d.]+/containers/[^/]+/exec", "ExecCreateResponse"),
    (rb"GET /v[\d.]+/exec/[^/]+/json", "ExecInspect"),
    (rb"GET /v[\d.]+/info", "SystemInfo"),
    (rb"GET /v[\d.]+/version", "SystemVersion"),
    (rb"GET /v[\d.]+/system/df", "SystemDf"),
    (rb"POST /v[\d.]+/auth", "AuthResponse"),
    (rb"GET /v[\d.]+/events", "EventMessage"),
    (rb"POST /v[\d.]+/images/create", "ProgressMessage"),
]
def put(target, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(out, target, name), "wb") as f:
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
        if b"transfer-encoding: chunked" in head:
            put("chunked", bytes([flags & 4, 0x11, 0x00, 0x05]) + resp[head_end:])
        status = int(resp.split(b" ", 2)[1])
        for pattern, model in ROUTES:
            if not re.match(pattern, line):
                continue
            pick = MODELS.index(model)
            if status >= 400:
                pick = MODELS.index("ErrorResponse")
            # A stream's items are models one per line.
            for item in (payload.split(b"\n") if model in ("EventMessage", "ProgressMessage", "ContainerStats") else [payload]):
                if item.strip():
                    put("models", bytes([pick]) + item.strip())
            break
        if (line.startswith(b"GET ") and b"/archive" in line) or b"/export" in line or b"/images/get" in line:
            if status == 200:
                put("tar", bytes([7]) + payload)
        if flags & 2 or b"/logs" in line:
            put("mux", bytes([5, 3]) + payload)
        if any(w in line for w in (b"/events", b"/stats", b"/images/create", b"/load", b"/push")):
            put("lines", bytes([63, 9, 2]) + payload)
    for _, req, resp, ending in EXCHANGE.findall(raw):
        # A WebSocket attach: what follows the 101 head is the server's frames.
        if resp.startswith(b"HTTP/1.1 101") and b"websocket" in resp[:resp.find(b"\r\n\r\n")].lower():
            frames = resp[resp.find(b"\r\n\r\n") + 4:]
            if frames:
                put("websocket", bytes([7, 3]) + frames)
METHODS = [b"GET", b"HEAD", b"POST", b"PUT", b"DELETE", b"PATCH", b"OPTIONS"]
for path in sorted(glob.glob(os.path.join(fixtures, "*", "*.http"))):
    raw = open(path, "rb").read()
    for _, req, resp, ending in EXCHANGE.findall(raw):
        head, _, body = req.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        method, target, _ = lines[0].split(b" ", 2)
        if method not in METHODS:
            continue
        fields = [l.split(b":", 1) for l in lines[1:] if b":" in l]
        # The codec writes these itself.
        fields = [(n, v.strip()) for n, v in fields
                  if n.lower() not in (b"host", b"content-length", b"transfer-encoding", b"connection", b"upgrade")][:7]
        chunked = b"transfer-encoding: chunked" in head.lower()
        if chunked:
            body = dechunk(body)
        kind = 2 if chunked else (1 if body else 0)
        flags = METHODS.index(method) | (kind << 3) | (len(fields) << 5)
        parts = [target] + [x for f in fields for x in f] + ([body] if body else [])
        put("request", bytes([flags]) + b"\xff".join(parts))
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
    if h.startswith(CHUNKED):
        put("chunked", bytes([i % 16, i, 0, i % 7]) + h[len(CHUNKED):])
for m in [b"\x01\x00\x00\x00\xff\xff\xff\xff" + b"o" * 64,
          b"\x05\x00\x00\x00\x00\x00\x00\x01x",
          b"\x03\x00\x00\x00\x00\x00\x00\x04oops\x02\x00\x00\x00\x00\x00\x00\x00",
          b"\x01\x00\x00\x00\x00\x00\x00\x05out1\n\x02\x00\x00"]:
    put("mux", bytes([3, 1]) + m)
# Archives in each format the reader knows: ustar, PAX and GNU long names, links.
import io, tarfile
for fmt in (tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        def add(name, kind=tarfile.REGTYPE, data=b"", link=""):
            info = tarfile.TarInfo(name)
            info.type, info.size, info.linkname, info.mtime, info.mode = kind, len(data), link, 1700000000, 0o644
            t.addfile(info, io.BytesIO(data) if data else None)
        add("dir", tarfile.DIRTYPE)
        add("dir/file.txt", data=b"hello\n" * 100)
        add("dir/" + "long" * 40 if fmt != tarfile.USTAR_FORMAT else "dir/short", data=b"x")
        add("dir/link", tarfile.SYMTYPE, link="file.txt")
        add("dir/hard", tarfile.LNKTYPE, link="dir/file.txt")
        add("empty")
    put("tar", bytes([fmt * 13 + 1]) + buf.getvalue())
# Frames by hand: fragmentation with a ping inside, text, a close with a reason, 16- and
# 64-bit lengths, and the faults (a masked frame, reserved bits, a long ping, a bare
# continuation, a one-byte close, a non-minimal length).
for f in [b"\x02\x02ab\x89\x00\x80\x01c\x88\x02\x03\xe8",
          b"\x81\x05hello\x8a\x03abc\x88\x05\x03\xe8bye",
          b"\x82\x7e\x01\x00" + b"x" * 256 + b"\x82\x7f" + (300).to_bytes(8, "big") + b"y" * 300,
          b"\x82\x85\x01\x02\x03\x04abcde",
          b"\xc2\x01a", b"\x89\x7e\x00\x7e" + b"p" * 126, b"\x80\x01a",
          b"\x88\x01\x03", b"\x82\x7e\x00\x05hello"]:
    put("websocket", bytes([len(f) // 2 % 256, 1]) + f)
for l in [b"{\"a\":1}\r\n{\"b\":2}\r\n", b"\n\r\n\x1e{}\n\n", b"x" * 200, b"abcd\r\n\x1eabcd\r\n"]:
    put("lines", bytes([3, 5, 0]) + l)
PY
for t in $targets; do printf '%s: %s  ' "$t" "$(ls "$out/$t" | wc -l)"; done; echo
