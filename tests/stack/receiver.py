"""A stand-in for Slack's incoming webhook in the stack test: logs every POST as a JSON line.

Usage: ``python tests/stack/receiver.py PORT LOG``. The stack's alert runs deliver to it through
the ``lw_slack`` Airflow connection; the stack tests read the log to check that each alert was
delivered exactly once across overlapping alert and build runs.
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path


def serve(port: int, log: Path) -> None:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            entry = {"alert_id": self.headers.get("X-LikenessWatch-Alert-Id"), "body": json.loads(body)}
            with log.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry) + "\n")
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def do_GET(self) -> None:  # noqa: N802 (health check)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    HTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    serve(int(sys.argv[1]), Path(sys.argv[2]))
