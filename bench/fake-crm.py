#!/usr/bin/env python3
"""A CRM that answers the inbox workers' re-reads during bench/webhooks.sh (CRM=up): Bitrix24's REST
methods under /rest/ and HubSpot's CRM API under /crm/, in the vendors' response shapes, holding no
deals: every deal a webhook announces is found gone, so the adapter processes it as a deletion.
Logs each call's method and path.

usage: fake-crm.py PORT
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def bitrix24_time():
    now = time.time()
    return {"start": now, "finish": now, "duration": 0.001, "processing": 0.0,
            "date_start": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(now)),
            "date_finish": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(now)), "operating": 0}


class Crm(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, body, status=200):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = urlparse(self.path).path
        print(self.command, self.path[:200], flush=True)
        if path.startswith("/rest/"):
            method = path.rstrip("/").split("/")[-1].removesuffix(".json")
            if method == "batch":
                commands = {}
                if raw.startswith(b"{"):
                    commands = json.loads(raw).get("cmd", {})
                else:
                    for key, values in parse_qs(raw.decode()).items():
                        if key.startswith("cmd[") and key.endswith("]"):
                            commands[key[4:-1]] = values[0]
                results = {key: ({"categories": []} if "crm.category.list" in command else [])
                           for key, command in commands.items()}
                return self.answer({"result": {"result": results, "result_error": [], "result_total": {k: 0 for k in results},
                                               "result_next": [], "result_time": {}}, "time": bitrix24_time()})
            if method == "crm.category.list":
                return self.answer({"result": {"categories": []}, "total": 0, "time": bitrix24_time()})
            return self.answer({"result": [], "total": 0, "time": bitrix24_time()})
        if path.endswith("/batch/read"):
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
            return self.answer({"status": "COMPLETE", "results": [], "startedAt": stamp, "completedAt": stamp})
        return self.answer({"results": []})

    do_GET = handle_any
    do_POST = handle_any


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Crm).serve_forever()
