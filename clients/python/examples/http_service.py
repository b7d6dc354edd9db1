"""A minimal service in front of arbiter: POST /decide with a request (SPEC section 4), get the
decision. One `arbiter serve` shared by every request thread; errors become HTTP statuses.

    ARBITER_BINARY=.build/release/arbiter python3 clients/python/examples/http_service.py --port 8080 --rules Rules
    curl -s localhost:8080/decide -d @docs/examples/spec-worked-example.json
"""
import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from arbiter_client import Arbiter, ArbiterTimeout, ArbiterUnavailable, ErrorAnswer, InternalError


def make_handler(arbiter: Arbiter):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            if self.path != "/decide":
                return self.reply(404, {"error": {"code": "not_found"}})
            try:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                decision = arbiter.decide(body.replace(b"\n", b" "), timeout=2.0)  # one line
            except InternalError as error:
                return self.reply(500, error.answer)
            except ErrorAnswer as error:  # invalid_json, invalid_request (error.path), too_large…
                return self.reply(422, error.answer)
            except ArbiterTimeout:
                return self.reply(504, {"error": {"code": "timeout"}})
            except ArbiterUnavailable as error:
                return self.reply(503, {"error": {"code": "unavailable", "message": str(error)}})
            except ValueError as error:  # an empty or blank body: nothing to decide
                return self.reply(400, {"error": {"code": "bad_request", "message": str(error)}})
            self.reply(200, decision)

        def reply(self, status, answer):
            data = json.dumps(answer, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--rules", default=None)
    args = ap.parse_args()
    with Arbiter(rules=args.rules, audit="summary") as arbiter:
        server = ThreadingHTTPServer((args.host, args.port), make_handler(arbiter))
        print(f"listening on http://{args.host}:{server.server_address[1]}/decide", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
