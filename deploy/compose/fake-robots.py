"""Fake chat robots for the Compose demo: one small HTTP server standing in for the DingTalk,
WeCom and Feishu robot webhooks. It is NOT a Klaxon program and checks no signature: it prints
every request it receives as one JSON line (see `docker compose logs fake-robots`) and answers
the way the real robots answer a successful send (shared/protocols.md B1-B3):
  POST /robot/send?access_token=…          DingTalk  {"errcode":0,"errmsg":"ok"}
  POST /cgi-bin/webhook/send?key=…         WeCom     {"errcode":0,"errmsg":"ok"}
  POST /open-apis/bot/v2/hook/<id>         Feishu    {"code":0,"msg":"success"}
  GET  /healthz                            200 ok
Standard library only, so it runs on the stock python image.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Robot(BaseHTTPRequestHandler):
    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._answer(200, {"status": "ok"})
        else:
            self._answer(404, {"error": "not found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        if self.path.startswith("/open-apis/bot/"):
            robot, reply = "feishu", {"code": 0, "msg": "success"}
        elif self.path.startswith("/cgi-bin/webhook/"):
            robot, reply = "wecom", {"errcode": 0, "errmsg": "ok"}
        elif self.path.startswith("/robot/send"):
            robot, reply = "dingtalk", {"errcode": 0, "errmsg": "ok"}
        else:
            self._answer(404, {"error": "unknown robot path"})
            return
        print(json.dumps({"robot": robot, "path": self.path.split("?")[0], "body": body}), flush=True)
        self._answer(200, reply)

    def log_message(self, *args) -> None:  # the JSON line above is the log
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8090
    ThreadingHTTPServer(("0.0.0.0", port), Robot).serve_forever()
