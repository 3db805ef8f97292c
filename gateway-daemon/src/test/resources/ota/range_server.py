#!/usr/bin/env python3
"""A small HTTP(S) file server with Range support, for OtaHttpIT (the standard library's
SimpleHTTPRequestHandler ignores Range). Serves files of --root at /<mode>/<name>:

  ok     the file (206 from the offset of "Range: bytes=N-", 200 without Range)
  cut    the first request for the path sends half of what it promised, waits until the file
         <root>/<name>.cut exists (the test creates it once the client holds that half), then
         cuts the connection; later ones are served whole
  stall  the first request for the path sends --stall-bytes, then keeps the connection open sending
         nothing until the client goes away; later ones are served whole
  bad    always: one byte flipped at offset --bad-offset (a server sending other bytes)

Every accepted TCP connection and every response is appended to --log as one JSON line
({"event": "connect"} / {"event": "request", "path", "range", "status", "sent"}), flushed at once,
so the test reads what the server saw. The port it listens on (127.0.0.1, chosen by the system) is
written to --port-file when it is ready. With --cert/--key it speaks TLS.
"""
import argparse
import json
import os
import socket
import socketserver
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

args = None
log_lock = threading.Lock()
first_seen = set()
first_lock = threading.Lock()


def log(**event):
    with log_lock:
        with open(args.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(event) + "\n")
            f.flush()
            os.fsync(f.fileno())


def first_time(path):
    with first_lock:
        if path in first_seen:
            return False
        first_seen.add(path)
        return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def do_GET(self):
        parts = self.path.split("/")
        if len(parts) != 3 or parts[1] not in ("ok", "cut", "stall", "bad"):
            return self.finish_with(404, b"", None)
        mode, name = parts[1], parts[2]
        file = os.path.join(args.root, os.path.basename(name))
        if not os.path.isfile(file):
            return self.finish_with(404, b"", None)
        with open(file, "rb") as f:
            data = f.read()
        start = 0
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[len("bytes="):-1])
        if start >= len(data):
            return self.finish_with(416, b"", rng)
        body = bytearray(data[start:])
        if mode == "bad" and start <= args.bad_offset < len(data):
            body[args.bad_offset - start] ^= 0xFF
        self.send_response(206 if rng else 200)
        if rng:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        sent = 0
        try:
            if mode == "cut" and first_time(self.path):
                sent = self.send(body[: len(body) // 2])
                self.close_connection = True
                signal = file + ".cut"
                deadline = time.monotonic() + 120
                while not os.path.exists(signal) and time.monotonic() < deadline:
                    time.sleep(0.01)  # polls for the test's signal, bounded
                self.connection.shutdown(socket.SHUT_RDWR)
            elif mode == "stall" and first_time(self.path):
                sent = self.send(body[: args.stall_bytes])
                log(event="request", path=self.path, range=rng, status=206 if rng else 200,
                    sent=sent, stalled=True)
                self.hold()
                return
            else:
                sent = self.send(body)
        except OSError:
            pass  # the client went away
        log(event="request", path=self.path, range=rng, status=206 if rng else 200, sent=sent)

    def send(self, data):
        self.wfile.write(data)
        self.wfile.flush()
        return len(data)

    def hold(self):
        """Sends nothing more until the client closes (or two minutes pass)."""
        self.close_connection = True
        self.connection.settimeout(1.0)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if self.connection.recv(1) == b"":
                    return
            except TimeoutError:
                continue
            except OSError:
                return

    def finish_with(self, status, body, rng):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        log(event="request", path=self.path, range=rng, status=status, sent=0)


class Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    context = None

    def get_request(self):
        sock, addr = self.socket.accept()
        log(event="connect")
        if self.context is not None:
            sock = self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def finish_request(self, request, client_address):
        if self.context is not None:
            try:
                request.settimeout(30)
                request.do_handshake()
                request.settimeout(None)
            except (ssl.SSLError, OSError) as e:
                log(event="handshake-failed", error=str(e))
                return
        super().finish_request(request, client_address)


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--stall-bytes", type=int, default=3072)
    p.add_argument("--bad-offset", type=int, default=2058)
    args = p.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        server.context = ctx
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
