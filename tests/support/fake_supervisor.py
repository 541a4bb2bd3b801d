"""A stand-in for the Supervisor's discovery API on 127.0.0.1, run as a subprocess.

Prints its port, then one JSON line per request (path, Authorization header, body), and
answers as the Supervisor does.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, HTTPServer


class _Discovery(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        seen = {
            "path": self.path,
            "authorization": self.headers.get("Authorization"),
            "body": json.loads(body),
        }
        print(json.dumps(seen), flush=True)
        reply = json.dumps({"result": "ok", "data": {"uuid": "0" * 32}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: stdout carries the requests."""


def main() -> None:
    server = HTTPServer(("127.0.0.1", 0), _Discovery)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
