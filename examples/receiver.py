#!/usr/bin/env python3
"""A webhook receiver for trying Crier out: prints one line per request, answers 204.

While a file named `fail` exists in the current directory it answers 500 instead, so you can
watch Crier retry and halt, then fix it (`rm fail`) and resume. The last request is saved as
`last.headers` ('Name: value' lines) and `last.body` (the exact bytes), which is what
`crier verify --headers last.headers --body last.body` reads.

    python3 examples/receiver.py 9000
"""
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status = 500 if os.path.exists("fail") else 204
        with open("last.headers", "w") as f:
            f.writelines(f"{name}: {value}\n" for name, value in self.headers.items())
        with open("last.body", "wb") as f:
            f.write(body)
        event = self.headers.get("X-Crier-Event") or self.headers.get("X-Crier-BroadcastSubject") or "-"
        wid = self.headers.get("webhook-id", "-")
        print(f"{status} {self.path} {event} webhook-id={wid} {body[:200].decode('utf-8', 'replace')}", flush=True)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass  # one line per request is printed above


port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
print(f"receiver listening on http://127.0.0.1:{port}/", flush=True)
ThreadingHTTPServer(("127.0.0.1", port), Receiver).serve_forever()
