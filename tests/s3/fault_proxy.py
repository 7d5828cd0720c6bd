#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for the S3 tests (standard library only).

Sits between an S3 client and an S3 server (moto) and forwards requests, except that with a
configurable probability it injects one of these faults instead:

  drop_before   close the connection (TCP reset) without forwarding: the request never happened
  drop_after    forward the request, then reset the connection without answering: the request
                happened, the client cannot know (the ambiguous case for conditional PUTs)
  error_500     answer 500 InternalError without forwarding
  slowdown_503  answer 503 SlowDown without forwarding
  stall         forward, send the response head and half the body, then go silent
  truncate      forward, send the response head and half the body, then close
  wrong_region  answer 301 PermanentRedirect with x-amz-bucket-region: eu-west-1

It also counts forwarded requests by method and kind (for the request-count benchmark).

Control endpoints (on the proxy port, not forwarded):
  POST /__proxy/config   JSON {"rate": 0.3, "faults": ["drop_before", ...], "seed": 1,
                               "methods": ["GET", "PUT"], "stall_seconds": 30}
  GET  /__proxy/stats    JSON {"requests": {"GET": n, ...}, "faults": {...}, "log": [...]}
  POST /__proxy/reset    zero the counters

Usage: fault_proxy.py --port P --upstream HOST:PORT
"""
import argparse
import http.client
import http.server
import json
import random
import socket
import struct
import threading
import time

STATE = {
    "rate": 0.0,
    "faults": [],
    "methods": None,
    "stall_seconds": 30.0,
    "requests": {},
    "faults_done": {},
    "log": [],
}
LOCK = threading.Lock()
RNG = random.Random(1)
UPSTREAM = None
HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def _reset(self):
        # SO_LINGER with timeout 0: close() sends RST, the client sees "connection reset".
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    def _send(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":  # a HEAD response has no body, whatever its status
            self.wfile.write(body)

    def _control(self, body):
        global RNG
        if self.path.startswith("/__proxy/config"):
            cfg = json.loads(body or b"{}")
            with LOCK:
                STATE["rate"] = float(cfg.get("rate", 0.0))
                STATE["faults"] = list(cfg.get("faults", []))
                STATE["methods"] = cfg.get("methods")
                STATE["stall_seconds"] = float(cfg.get("stall_seconds", 30.0))
                RNG = random.Random(cfg.get("seed", 1))
            return self._send(200, b"{}")
        if self.path.startswith("/__proxy/stats"):
            with LOCK:
                out = json.dumps({"requests": STATE["requests"], "faults": STATE["faults_done"],
                                  "log": STATE["log"]}).encode()
            return self._send(200, out, [("Content-Type", "application/json")])
        if self.path.startswith("/__proxy/reset"):
            with LOCK:
                STATE["requests"] = {}
                STATE["faults_done"] = {}
                STATE["log"] = []
            return self._send(200, b"{}")
        return self._send(404, b"unknown control path")

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/__proxy/"):
            return self._control(body)
        method = self.command
        with LOCK:
            fault = None
            eligible = STATE["methods"] is None or method in STATE["methods"]
            if STATE["faults"] and eligible and RNG.random() < STATE["rate"]:
                fault = RNG.choice(STATE["faults"])
            key = method
            STATE["requests"][key] = STATE["requests"].get(key, 0) + 1
            STATE["log"].append("%s %s%s" % (method, self.path, " [%s]" % fault if fault else ""))
            if len(STATE["log"]) > 5000:
                del STATE["log"][:1000]
            if fault:
                STATE["faults_done"][fault] = STATE["faults_done"].get(fault, 0) + 1
        if fault == "drop_before":
            return self._reset()
        if fault == "error_500":
            return self._send(500, b"<Error><Code>InternalError</Code><Message>injected</Message></Error>")
        if fault == "wrong_region":
            return self._send(301, b"<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to "
                                   b"access must be addressed using the specified endpoint.</Message></Error>",
                              [("x-amz-bucket-region", "eu-west-1")])
        if fault == "slowdown_503":
            return self._send(503, b"<Error><Code>SlowDown</Code><Message>injected</Message></Error>")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        conn = http.client.HTTPConnection(UPSTREAM[0], UPSTREAM[1], timeout=60)
        try:
            conn.request(method, self.path, body=body if (body or method in ("PUT", "POST")) else None,
                         headers=headers)
            resp = conn.getresponse()
            rbody = resp.read()
            rheaders = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP and k.lower() != "content-length"]
            status = resp.status
        finally:
            conn.close()
        if fault == "drop_after":
            return self._reset()
        if fault in ("stall", "truncate") and method != "HEAD" and len(rbody) > 1:
            self.send_response(status)
            for k, v in rheaders:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(rbody)))
            self.end_headers()
            self.wfile.write(rbody[: len(rbody) // 2])
            self.wfile.flush()
            if fault == "stall":
                time.sleep(STATE["stall_seconds"])
            return self._reset()
        if method == "HEAD":
            self.send_response(status)
            for k, v in rheaders:
                self.send_header(k, v)
            cl = resp.getheader("Content-Length")
            if cl is not None:
                self.send_header("Content-Length", cl)
            self.end_headers()
            return
        self._send(status, rbody, rheaders)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global UPSTREAM
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--upstream", required=True)
    a = ap.parse_args()
    host, port = a.upstream.rsplit(":", 1)
    UPSTREAM = (host, int(port))
    Server(("127.0.0.1", a.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
