"""A peer-aware test member: reads its peer list file at start and on POST /reload, like a Nacos
server re-reading cluster.conf. GET /peers answers {"version": N, "peers": [...]}; GET /health 200.
Usage: peer-node.py PORT HOST PEERS_FILE"""
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, HOST, FILE = int(sys.argv[1]), sys.argv[2], sys.argv[3]
state = {"version": 0, "peers": []}


def load():
    try:
        text = open(FILE, encoding="utf-8").read()
    except FileNotFoundError:
        return
    match = re.search(r"version (\d+)", text)
    state["version"] = int(match.group(1)) if match else 0
    state["peers"] = [l.strip() for l in text.splitlines() if l.strip() and not l.startswith("#")]


class Handler(BaseHTTPRequestHandler):
    def _send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/peers":
            self._send(200, state)
        elif self.path == "/health":
            self._send(200, {"status": "UP"})
        else:
            self._send(404, {"error": self.path})

    def do_POST(self):
        if self.path.startswith("/reload"):
            load()
            self._send(200, state)
        else:
            self._send(404, {"error": self.path})

    def log_message(self, *args):
        pass


load()
ThreadingHTTPServer((HOST, PORT), Handler).serve_forever()
