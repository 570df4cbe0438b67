#!/usr/bin/env python3
"""Fake chat robots for Klaxon's tests: DingTalk, WeCom and Feishu webhooks on one port, checking
requests the way the platforms do (shared/protocols.md B1-B3) and answering like them.

  DingTalk  POST /robot/send?access_token=T[&timestamp=ms&sign=S]
            sign = base64(HMAC-SHA256(key=secret, msg=timestamp+"\\n"+secret)), timestamp within
            --max-age seconds; markdown title+text; every at.atMobiles entry must appear as @mobile
            in the text; text <= 20000 bytes.            OK {"errcode":0,"errmsg":"ok"}
  WeCom     POST /cgi-bin/webhook/send?key=K  markdown content <= 4096 bytes, text content <= 2048
            bytes, mentioned_mobile_list only on text.   OK {"errcode":0,"errmsg":"ok"}
  Feishu    POST /open-apis/bot/v2/hook/<id>  timestamp (s) and sign in the body,
            sign = base64(HMAC-SHA256(key=timestamp+"\\n"+secret, msg="")); body <= 20 KB.
                                                         OK {"code":0,"msg":"success"}

Rate limits (--limit N/SECONDS, per robot, sliding window) answer the platform's rate-limit code.
Test control: POST /_script {"platform": "dingtalk", "answers": [{"errcode": 310000, ...}, ...]}
queues answers given (after the checks) to the next requests; GET /_requests lists every request
as JSON ({platform, robot, time, body, verdict}); POST /_reset clears both.
Prints "chat_sink: listening on 127.0.0.1:PORT" once ready. Standard library only.
"""

import argparse
import base64
import hashlib
import hmac
import json
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOCK = threading.Lock()
REQUESTS = []
SCRIPTS = {"dingtalk": [], "wecom": [], "feishu": []}
SENT = {}  # robot -> [times]
OK = {"dingtalk": {"errcode": 0, "errmsg": "ok"}, "wecom": {"errcode": 0, "errmsg": "ok"},
      "feishu": {"code": 0, "msg": "success"}}
RATE = {"dingtalk": {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"},
        "wecom": {"errcode": 45009, "errmsg": "api freq out of limit"},
        "feishu": {"code": 11232, "msg": "frequency limited"}}


def b64hmac(key: str, msg: str) -> str:
    return base64.b64encode(hmac.new(key.encode(), msg.encode(), hashlib.sha256).digest()).decode()


class Fail(Exception):
    def __init__(self, answer):
        self.answer = answer


def check_dingtalk(args, query, body):
    if query.get("access_token", [""])[0] != args.dingtalk_token:
        raise Fail({"errcode": 300001, "errmsg": "token is not exist"})
    if args.dingtalk_secret:
        ts, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
        if not ts.isdigit() or abs(time.time() * 1000 - int(ts)) > args.max_age * 1000:
            raise Fail({"errcode": 310000, "errmsg": "invalid timestamp"})
        if not hmac.compare_digest(sign, b64hmac(args.dingtalk_secret, ts + "\n" + args.dingtalk_secret)):
            raise Fail({"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"})
    kind = body.get("msgtype")
    if kind == "markdown":
        md = body.get("markdown") or {}
        if not isinstance(md.get("title"), str) or not md.get("title") or not isinstance(md.get("text"), str) or not md["text"]:
            raise Fail({"errcode": 40035, "errmsg": "missing markdown title or text"})
        text = md["text"]
    elif kind == "text":
        text = (body.get("text") or {}).get("content", "")
    else:
        raise Fail({"errcode": 40035, "errmsg": f"unsupported msgtype {kind!r}"})
    if args.dingtalk_keyword and args.dingtalk_keyword not in text:
        raise Fail({"errcode": 310000, "errmsg": "keywords not in content"})
    if len(text.encode()) > 20000:
        raise Fail({"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"})
    at = body.get("at") or {}
    for m in at.get("atMobiles") or []:
        if "@" + m not in text:
            raise Fail({"errcode": 400099, "errmsg": f"fake: {m} in atMobiles but @{m} not in the text"})
    if not isinstance(at.get("isAtAll", False), bool):
        raise Fail({"errcode": 40035, "errmsg": "isAtAll must be a boolean"})
    return args.dingtalk_token


def check_wecom(args, query, body):
    key = query.get("key", [""])[0]
    if key != args.wecom_key:
        raise Fail({"errcode": 93000, "errmsg": "invalid webhook url, hint: [1700000000_1_x]"})
    kind = body.get("msgtype")
    if kind == "markdown":
        content = (body.get("markdown") or {}).get("content")
        if not isinstance(content, str) or not content:
            raise Fail({"errcode": 40035, "errmsg": "missing markdown content"})
        if len(content.encode()) > 4096:
            raise Fail({"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"})
        if "mentioned_mobile_list" in (body.get("markdown") or {}):
            raise Fail({"errcode": 40035, "errmsg": "fake: markdown cannot mention by phone"})
    elif kind == "text":
        text = body.get("text") or {}
        if not isinstance(text.get("content"), str) or len(text["content"].encode()) > 2048:
            raise Fail({"errcode": 40058, "errmsg": "text.content exceed max length 2048"})
        if not all(isinstance(m, str) for m in text.get("mentioned_mobile_list", [])):
            raise Fail({"errcode": 40035, "errmsg": "mentioned_mobile_list must hold strings"})
    else:
        raise Fail({"errcode": 40008, "errmsg": f"invalid message type {kind!r}"})
    return key


def check_feishu(args, path, raw, body):
    hook = path.rsplit("/", 1)[-1]
    if hook != args.feishu_hook:
        raise Fail({"code": 19001, "msg": "param invalid: incoming webhook access token invalid"})
    if len(raw) > 20 * 1024:
        raise Fail({"code": 9499, "msg": "Bad Request: request body too large"})
    if args.feishu_secret:
        ts, sign = str(body.get("timestamp", "")), body.get("sign", "")
        if not ts.isdigit() or abs(time.time() - int(ts)) > args.max_age:
            raise Fail({"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"})
        if not hmac.compare_digest(str(sign), b64hmac(ts + "\n" + args.feishu_secret, "")):
            raise Fail({"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"})
    if body.get("msg_type") == "text":
        if not isinstance((body.get("content") or {}).get("text"), str):
            raise Fail({"code": 9499, "msg": "Bad Request: content.text"})
    elif body.get("msg_type") not in ("post", "interactive"):
        raise Fail({"code": 9499, "msg": "Bad Request: msg_type"})
    if args.feishu_keyword and args.feishu_keyword not in json.dumps(body, ensure_ascii=False):
        raise Fail({"code": 19024, "msg": "Key Words Not Found"})
    return hook


class Robot(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, obj):
        data = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/_requests":
            with LOCK:
                self.answer(200, REQUESTS)
        elif self.path == "/healthz":
            self.answer(200, {"status": "ok"})
        else:
            self.answer(404, {"error": "not found"})

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        if url.path == "/_script":
            req = json.loads(raw)
            with LOCK:
                SCRIPTS[req["platform"]].extend(req["answers"])
            return self.answer(200, {"ok": True})
        if url.path == "/_reset":
            with LOCK:
                REQUESTS.clear()
                SENT.clear()
                for v in SCRIPTS.values():
                    v.clear()
            return self.answer(200, {"ok": True})
        if url.path.startswith("/robot/send"):
            platform = "dingtalk"
        elif url.path.startswith("/cgi-bin/webhook/send"):
            platform = "wecom"
        elif url.path.startswith("/open-apis/bot/v2/hook/"):
            platform = "feishu"
        else:
            return self.answer(404, {"error": "unknown robot path"})
        now = time.time()
        record = {"platform": platform, "time": now, "body": None, "verdict": "ok"}
        try:
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                raise Fail({"errcode": 40035, "errmsg": f"body is not UTF-8 JSON: {e}"} if platform != "feishu"
                           else {"code": 9499, "msg": "Bad Request"})
            record["body"] = body
            query = parse_qs(url.query)
            if platform == "dingtalk":
                robot = check_dingtalk(self.server.args, query, body)
            elif platform == "wecom":
                robot = check_wecom(self.server.args, query, body)
            else:
                robot = check_feishu(self.server.args, url.path, raw, body)
            record["robot"] = robot
            with LOCK:
                if SCRIPTS[platform]:
                    raise Fail(SCRIPTS[platform].pop(0))
                if self.server.args.limit:
                    n, seconds = self.server.args.limit
                    times = [t for t in SENT.get(robot, []) if now - t < seconds]
                    if len(times) >= n:
                        SENT[robot] = times
                        raise Fail(RATE[platform])
                    SENT[robot] = times + [now]
            answer = OK[platform]
        except Fail as f:
            answer = f.answer
            record["verdict"] = json.dumps(answer, ensure_ascii=False)
        with LOCK:
            REQUESTS.append(record)
        self.answer(200, answer)

    def log_message(self, *a):
        pass


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--dingtalk-token", default="dt-token")
    p.add_argument("--dingtalk-secret", default="")
    p.add_argument("--dingtalk-keyword", default="")
    p.add_argument("--wecom-key", default="wecom-key")
    p.add_argument("--feishu-hook", default="feishu-hook")
    p.add_argument("--feishu-secret", default="")
    p.add_argument("--feishu-keyword", default="")
    p.add_argument("--max-age", type=int, default=3600, help="seconds a signature's timestamp may be off")
    p.add_argument("--limit", default="", help="N/SECONDS: answer the rate-limit code beyond N requests per robot")
    args = p.parse_args()
    if args.limit:
        n, s = args.limit.split("/")
        args.limit = (int(n), float(s))
    # A parent may start us with SIGTERM blocked (Swift's Foundation.Process inherits the mask of
    # the thread that spawned it): unblock it, and exit cleanly on SIGTERM or SIGINT.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Robot)
    server.daemon_threads = True
    server.args = args
    print(f"chat_sink: listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
