"""The second opinion of the differential test (differential.rs): Python's h11, an
independent HTTP/1.1 implementation, decodes each response the test generated.

Input (file named by argv[1]): cases, each a line `METHOD LEN` then LEN bytes of response.
Output: one line per case: `OK STATUS HEX` when h11 read a whole response (HEX its body
as h11 framed it, `-` when empty), `ERR TEXT` when it refused it, `UPGRADE` for a switch of
protocols. The connection is closed after the
bytes (h11 is told so), as the test's own decoder is.
"""
import sys

import h11


def decode(method, data):
    conn = h11.Connection(our_role=h11.CLIENT)
    conn.send(h11.Request(method=method, target="/x", headers=[("Host", "docker")]))
    conn.send(h11.EndOfMessage())
    conn.receive_data(data)
    conn.receive_data(b"")
    status, body = None, bytearray()
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as e:
            return "ERR " + str(e)
        if isinstance(event, h11.InformationalResponse):
            if event.status_code == 101:
                return "UPGRADE"
            continue
        if isinstance(event, h11.Response):
            status = event.status_code
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            return f"OK {status} {body.hex() or '-'}"
        elif event is h11.NEED_DATA or isinstance(event, h11.ConnectionClosed):
            return "ERR incomplete response at the end of the input"
        elif event is h11.PAUSED:
            return "ERR paused before the end of the response"


def main():
    raw = open(sys.argv[1], "rb").read()
    out = sys.stdout
    at = 0
    while at < len(raw):
        nl = raw.index(b"\n", at)
        method, length = raw[at:nl].split(b" ")
        start = nl + 1
        data = raw[start:start + int(length)]
        at = start + int(length)
        try:
            verdict = decode(method.decode(), data)
        except Exception as e:  # h11 refusing in another way still is a refusal
            verdict = f"ERR {type(e).__name__}: {e}"
        out.write(verdict.replace("\n", " ") + "\n")


if __name__ == "__main__":
    main()
