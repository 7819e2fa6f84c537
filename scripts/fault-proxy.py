#!/usr/bin/env python3
"""An HTTP proxy in front of moto's server that injects the faults AWS really sends, by seed.

The AWS SDK clients talk to this proxy; it forwards each request to moto (--upstream) and, with a
probability and reproducibly by --seed, answers instead as AWS does when it is overloaded or
failing, or lets the request through and then loses the response:

1. Faults before forwarding (--rate): the request never reaches moto and the client gets the error
   AWS sends, with AWS's body and headers. DynamoDB: ThrottlingException,
   ProvisionedThroughputExceededException, InternalServerError and, for TransactWriteItems, a
   TransactionCanceledException whose every cancellation reason is ThrottlingError (how DynamoDB
   throttles a transaction). S3: SlowDown (503), InternalError (500). SES: Throttling (400),
   InternalFailure (500). DynamoDB Streams calls are never faulted.
2. Lost responses (--lost-rate, only for calls not faulted): the request reaches moto, its whole
   response is read (so the effect happened), and the client connection is closed without a byte
   of answer: the ambiguous case a retry must survive.
3. DynamoDB's ClientRequestToken idempotency for TransactWriteItems, which moto lacks: after a
   200, the same token with the same request gets the same answer for 10 minutes without reaching
   moto; the same token with another request gets IdempotentParameterMismatchException.

One random.Random(--seed) behind a lock decides each call in arrival order, with three draws per
call whatever the rates (fault?, which fault, lost?), so the same calls in the same order meet the
same faults. Requests to moto's own API (/moto-api...) pass untouched, never faulted nor counted.

The proxy's own endpoints (never forwarded):
  GET  /__fault-proxy/stats   counts: {"calls", "by_operation": {"dynamodb.PutItem": {"calls",
                              "faulted": {kind: n}, "lost", "idempotent_replays",
                              "idempotent_mismatches", "upstream_errors"}, ...}, "seed", "rate",
                              "lost_rate"}
  POST /__fault-proxy/config  JSON {"rate": R, "lost_rate": L, "seed": S}, each optional: changes
                              them at run time (a seed restarts the random sequence); answers the
                              new config.

Like scripts/moto-server.py, it binds port 0 and writes the port the OS chose to --port-file. On
SIGTERM or SIGINT it writes the stats to --stats-file (if given) and exits 0.

Standard library only: the tests may run it with any Python 3.11.
"""

import argparse
import hashlib
import http.client
import http.server
import json
import os
import random
import signal
import sys
import threading
import time
import traceback
import urllib.parse
import zlib

# Headers that describe one connection, not the message: never forwarded either way. Expect is
# answered here (http.server sends the 100 Continue) and the body is forwarded whole.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "expect",
}

IDEMPOTENCY_WINDOW_SECONDS = 600.0
UPSTREAM_TIMEOUT_SECONDS = 300.0
OWN_PREFIX = "/__fault-proxy/"

DYNAMODB_ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
THROTTLING_REASON_MESSAGE = (
    "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically "
    "scaling your table or index so please try again shortly."
)
# (kind, HTTP status, message) for any DynamoDB operation.
DYNAMODB_FAULTS = [
    ("ThrottlingException", 400, "Rate of requests exceeds the allowed throughput."),
    (
        "ProvisionedThroughputExceededException",
        400,
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API.",
    ),
    ("InternalServerError", 500, "Internal server error"),
]
TRANSACTION_CANCELED = "TransactionCanceledException"
S3_FAULTS = [
    ("SlowDown", 503, "Please reduce your request rate."),
    ("InternalError", 500, "We encountered an internal error. Please try again."),
]
# (kind, HTTP status, error Type, message)
SES_FAULTS = [
    ("Throttling", 400, "Sender", "Maximum sending rate exceeded."),
    (
        "InternalFailure",
        500,
        "Receiver",
        "The request processing has failed because of an unknown error, exception or failure.",
    ),
]


class Call:
    """What the proxy knows about one request: its bytes and whom it is for."""

    def __init__(self, method, target, headers, body):
        self.method = method
        self.target = target  # path and query, as the client sent them
        self.headers = headers  # [(name, value)] in the client's order
        self.body = body
        split = urllib.parse.urlsplit(target)
        self.path = split.path
        self.query = split.query
        self.service, self.operation = identify(self)
        self._json = None

    def header(self, name):
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    @property
    def key(self):
        return f"{self.service}.{self.operation}"

    def json_body(self):
        """The body as a JSON object, or None."""
        if self._json is None:
            try:
                value = json.loads(self.body or b"{}")
            except (ValueError, UnicodeDecodeError):
                value = None
            self._json = value if isinstance(value, dict) else {}
        return self._json or None


def credential_scope_service(value):
    """The service of a SigV4 credential `AKID/date/region/service/aws4_request`, or None."""
    parts = value.split("/")
    if len(parts) >= 5 and parts[-1].strip().startswith("aws4_request"):
        return parts[-2].lower()
    return None


def identify(call):
    """(service, operation) of a request, from the headers, the body and the path."""
    if call.path.startswith("/moto-api"):
        return "moto-api", call.path
    if call.path.startswith(OWN_PREFIX):
        return "fault-proxy", call.path
    target = call.header("X-Amz-Target")
    if target and "." in target:
        prefix, operation = target.split(".", 1)
        if prefix.startswith("DynamoDBStreams_"):
            return "dynamodbstreams", operation
        if prefix.startswith("DynamoDB_"):
            return "dynamodb", operation
        return prefix.split("_", 1)[0].lower(), operation
    scope = None
    authorization = call.header("Authorization") or ""
    if "Credential=" in authorization:
        credential = authorization.split("Credential=", 1)[1].split(",", 1)[0]
        scope = credential_scope_service(credential)
    if scope is None:
        credential = urllib.parse.parse_qs(call.query).get("X-Amz-Credential")
        if credential:
            scope = credential_scope_service(credential[0])
    if scope == "ses" and call.method == "POST":
        content_type = (call.header("Content-Type") or "").lower()
        if content_type.startswith("application/x-www-form-urlencoded") or not content_type:
            form = urllib.parse.parse_qs(call.body.decode("utf-8", "replace"))
            action = form.get("Action")
            if action:
                return "ses", action[0]
    # S3 by elimination: its REST API is named by method (and the SDK also signs with `s3`).
    return "s3", call.method


def request_id(seed, number, length):
    """An uppercase alphanumeric request id, the same for the same seed and call number."""
    digest = hashlib.sha256(f"{seed}:{number}".encode()).hexdigest().upper()
    return (digest * 2)[:length]


def request_uuid(seed, number):
    digest = hashlib.sha256(f"{seed}:{number}:uuid".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


class Response:
    def __init__(self, status, headers, body, head=False):
        self.status = status
        self.headers = headers  # [(name, value)] without Content-Length
        self.body = body
        self.head = head  # a response to HEAD: headers only


def dynamodb_error(kind, status, body_fields, rid):
    body = json.dumps(
        {"__type": DYNAMODB_ERROR_PREFIX + kind, **body_fields}, separators=(",", ":")
    ).encode()
    headers = [
        ("Content-Type", "application/x-amz-json-1.0"),
        ("x-amzn-RequestId", rid),
        ("x-amz-crc32", str(zlib.crc32(body))),
    ]
    return Response(status, headers, body)


def transaction_items(call):
    items = (call.json_body() or {}).get("TransactItems")
    return len(items) if isinstance(items, list) else 0


def fault_kinds(call):
    """The fault kinds valid for a call; empty when it is never faulted."""
    if call.service == "dynamodb":
        kinds = [kind for kind, _, _ in DYNAMODB_FAULTS]
        if call.operation == "TransactWriteItems":
            kinds.append(TRANSACTION_CANCELED)
        return kinds
    if call.service == "s3":
        return [kind for kind, _, _ in S3_FAULTS]
    if call.service == "ses":
        return [kind for kind, _, _, _ in SES_FAULTS]
    return []


def fault_response(call, kind, seed, number):
    """The answer AWS gives for a fault of this kind."""
    if call.service == "dynamodb":
        rid = request_id(seed, number, 52)
        if kind == TRANSACTION_CANCELED:
            count = max(transaction_items(call), 1)
            reasons = [{"Code": "ThrottlingError", "Message": THROTTLING_REASON_MESSAGE}] * count
            message = (
                "Transaction cancelled, please refer cancellation reasons for specific reasons "
                f"[{', '.join(['ThrottlingError'] * count)}]"
            )
            return dynamodb_error(
                kind, 400, {"CancellationReasons": reasons, "Message": message}, rid
            )
        for name, status, message in DYNAMODB_FAULTS:
            if name == kind:
                return dynamodb_error(kind, status, {"message": message}, rid)
    if call.service == "s3":
        rid = request_id(seed, number, 16)
        host_id = hashlib.sha256(f"{seed}:{number}:host".encode()).hexdigest()
        for name, status, message in S3_FAULTS:
            if name == kind:
                body = (
                    '<?xml version="1.0" encoding="UTF-8"?>'
                    f"<Error><Code>{name}</Code><Message>{message}</Message>"
                    f"<RequestId>{rid}</RequestId><HostId>{host_id}</HostId></Error>"
                ).encode()
                headers = [
                    ("Content-Type", "application/xml"),
                    ("x-amz-request-id", rid),
                    ("x-amz-id-2", host_id),
                    ("Server", "AmazonS3"),
                ]
                if call.method == "HEAD":
                    return Response(status, headers, b"", head=True)
                return Response(status, headers, body)
    if call.service == "ses":
        rid = request_uuid(seed, number)
        for name, status, error_type, message in SES_FAULTS:
            if name == kind:
                body = (
                    '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/">'
                    f"<Error><Type>{error_type}</Type><Code>{name}</Code>"
                    f"<Message>{message}</Message></Error>"
                    f"<RequestId>{rid}</RequestId></ErrorResponse>"
                ).encode()
                headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)]
                return Response(status, headers, body)
    raise ValueError(f"no fault {kind} for {call.key}")


def idempotency_digest(call):
    """sha256 of a TransactWriteItems request without its ClientRequestToken (canonical JSON)."""
    request = dict(call.json_body() or {})
    request.pop("ClientRequestToken", None)
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class State:
    """Everything shared by the handler threads: the random sequence, the rates, the counts and
    the idempotency cache."""

    def __init__(self, upstream, seed, rate, lost_rate, verbose):
        split = urllib.parse.urlsplit(upstream)
        if split.scheme != "http" or not split.hostname:
            raise SystemExit(f"fault-proxy: --upstream must be http://HOST:PORT, not {upstream}")
        self.upstream_host = split.hostname
        self.upstream_port = split.port or 80
        self.verbose = verbose
        self.lock = threading.Lock()
        self.seed = seed
        self.random = random.Random(seed)
        self.rate = rate
        self.lost_rate = lost_rate
        self.calls = 0
        self.numbered = 0  # every request handled, for request ids
        self.by_operation = {}
        # token -> (digest, Response, time of the response)
        self.idempotency = {}
        # token -> [lock, users]
        self.token_locks = {}

    # ── decisions and counts ────────────────────────────────────────────────────────────────────

    def _entry(self, key):
        entry = self.by_operation.get(key)
        if entry is None:
            entry = {
                "calls": 0,
                "faulted": {},
                "lost": 0,
                "idempotent_replays": 0,
                "idempotent_mismatches": 0,
                "upstream_errors": 0,
            }
            self.by_operation[key] = entry
        return entry

    def decide(self, call):
        """Counts a call and decides its fate: (number, fault kind or None, lost)."""
        kinds = fault_kinds(call)
        lose = call.service not in ("moto-api", "dynamodbstreams", "fault-proxy")
        with self.lock:
            self.numbered += 1
            number = self.numbered
            if call.service in ("moto-api", "fault-proxy"):
                return number, None, False
            self.calls += 1
            entry = self._entry(call.key)
            entry["calls"] += 1
            if not kinds and not lose:
                return number, None, False
            # Always three draws, so a call's fate depends only on its place in the order.
            fault_draw = self.random.random()
            kind_draw = self.random.random()
            lost_draw = self.random.random()
            if kinds and fault_draw < self.rate:
                kind = kinds[min(int(kind_draw * len(kinds)), len(kinds) - 1)]
                entry["faulted"][kind] = entry["faulted"].get(kind, 0) + 1
                return number, kind, False
            lost = lose and lost_draw < self.lost_rate
            return number, None, lost

    def count(self, call, field):
        with self.lock:
            self._entry(call.key)[field] += 1

    def config(self):
        return {"seed": self.seed, "rate": self.rate, "lost_rate": self.lost_rate}

    def configure(self, changes):
        rate = changes.get("rate", self.rate)
        lost_rate = changes.get("lost_rate", self.lost_rate)
        for name, value in (("rate", rate), ("lost_rate", lost_rate)):
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
                raise ValueError(f"{name} must be a number from 0 to 1")
        seed = changes.get("seed")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise ValueError("seed must be an integer")
        with self.lock:
            self.rate = float(rate)
            self.lost_rate = float(lost_rate)
            if seed is not None:
                self.seed = seed
                self.random = random.Random(seed)
            return self.config()

    def stats(self):
        with self.lock:
            return {
                "calls": self.calls,
                "by_operation": json.loads(json.dumps(self.by_operation)),
                "seed": self.seed,
                "rate": self.rate,
                "lost_rate": self.lost_rate,
            }

    # ── ClientRequestToken ──────────────────────────────────────────────────────────────────────

    def token_lock(self, token):
        with self.lock:
            holder = self.token_locks.get(token)
            if holder is None:
                holder = [threading.Lock(), 0]
                self.token_locks[token] = holder
            holder[1] += 1
            return holder[0]

    def release_token_lock(self, token):
        with self.lock:
            holder = self.token_locks[token]
            holder[1] -= 1
            if holder[1] == 0:
                del self.token_locks[token]

    def remembered(self, token):
        now = time.monotonic()
        with self.lock:
            for old in [t for t, v in self.idempotency.items() if now - v[2] > IDEMPOTENCY_WINDOW_SECONDS]:
                del self.idempotency[old]
            return self.idempotency.get(token)

    def remember(self, token, digest, response):
        with self.lock:
            self.idempotency[token] = (digest, response, time.monotonic())

    # ── forwarding ──────────────────────────────────────────────────────────────────────────────

    def forward(self, call):
        """Sends the call to moto and reads its whole answer. Raises on an upstream failure."""
        connection = http.client.HTTPConnection(
            self.upstream_host, self.upstream_port, timeout=UPSTREAM_TIMEOUT_SECONDS
        )
        try:
            # The Host header is the client's (SigV4 signs it): no automatic one.
            connection.putrequest(
                call.method, call.target, skip_host=True, skip_accept_encoding=True
            )
            sent_length = False
            for name, value in call.headers:
                if name.lower() == "content-length":
                    continue
                connection.putheader(name, value)
            if call.body or call.had_length:
                connection.putheader("Content-Length", str(len(call.body)))
                sent_length = True
            connection.endheaders(call.body if sent_length else None)
            upstream = connection.getresponse()
            body = upstream.read()
            headers = [
                (name, value)
                for name, value in upstream.getheaders()
                if name.lower() not in HOP_BY_HOP
            ]
            head = call.method == "HEAD"
            return Response(upstream.status, headers, body, head=head)
        finally:
            connection.close()


def connection_tokens(value):
    return {token.strip().lower() for token in (value or "").split(",") if token.strip()}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State = None  # set by main

    def version_string(self):
        return "fault-proxy"

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        if self.state.verbose:
            super().log_message(format, *args)

    # Every method the SDKs use goes through one path.
    def do_GET(self):
        self.handle_call()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    def read_body(self):
        """The request body and whether the client declared a length (or sent chunks)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise ConnectionError("client closed inside a chunked body")
                size = int(line.split(b";", 1)[0].strip(), 16)
                if size == 0:
                    # Trailers, up to the empty line.
                    while True:
                        trailer = self.rfile.readline(65537)
                        if trailer in (b"\r\n", b"\n", b""):
                            break
                    return b"".join(chunks), True
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)  # the CRLF after the chunk
        length = self.headers.get("Content-Length")
        if length is None:
            return b"", False
        length = int(length)
        body = self.rfile.read(length) if length else b""
        if len(body) != length:
            raise ConnectionError("client closed inside the body")
        return body, True

    def handle_call(self):
        try:
            body, had_length = self.read_body()
        except (ValueError, ConnectionError, OSError):
            self.close_connection = True
            return
        dropped = connection_tokens(self.headers.get("Connection"))
        headers = [
            (name, value)
            for name, value in self.headers.items()
            if name.lower() not in HOP_BY_HOP and name.lower() not in dropped
        ]
        try:
            call = Call(self.command, self.path, headers, body)
            call.had_length = had_length
            response = self.answer(call)
        except Exception as error:  # never let one request take the server down
            if self.state.verbose:
                traceback.print_exc()
            response = text_response(502, f"fault-proxy: {type(error).__name__}: {error}\n")
        if response is None:
            # A lost response: the effect happened, the client hears only the close.
            self.close_connection = True
            return
        self.send(response)

    def answer(self, call):
        """The response to send, or None to close the connection without one."""
        state = self.state
        if call.service == "fault-proxy":
            return self.own_endpoint(call)
        number, kind, lost = state.decide(call)
        if kind is not None:
            return fault_response(call, kind, state.seed, number)
        token = None
        if call.service == "dynamodb" and call.operation == "TransactWriteItems":
            token = (call.json_body() or {}).get("ClientRequestToken")
            if not isinstance(token, str) or not token:
                token = None
        try:
            if token is None:
                response = state.forward(call)
            else:
                response = self.idempotent(call, token, number)
        except (OSError, http.client.HTTPException) as error:
            state.count(call, "upstream_errors")
            return text_response(502, f"fault-proxy: upstream failed: {error}\n")
        if lost:
            state.count(call, "lost")
            return None
        return response

    def idempotent(self, call, token, number):
        """TransactWriteItems with a ClientRequestToken, one call per token at a time."""
        state = self.state
        digest = idempotency_digest(call)
        lock = state.token_lock(token)
        try:
            with lock:
                cached = state.remembered(token)
                if cached is not None:
                    if cached[0] == digest:
                        state.count(call, "idempotent_replays")
                        return cached[1]
                    state.count(call, "idempotent_mismatches")
                    return dynamodb_error(
                        "IdempotentParameterMismatchException",
                        400,
                        {
                            "message": "The request uses the same client token as a previous, "
                            "but non-identical request. Do not reuse a client token with "
                            "different requests, unless the requests are identical."
                        },
                        request_id(state.seed, number, 52),
                    )
                response = state.forward(call)
                if response.status == 200:
                    state.remember(token, digest, response)
                return response
        finally:
            state.release_token_lock(token)

    def own_endpoint(self, call):
        state = self.state
        if call.path == OWN_PREFIX + "stats" and call.method in ("GET", "HEAD"):
            return json_response(200, state.stats())
        if call.path == OWN_PREFIX + "config" and call.method == "POST":
            try:
                changes = json.loads(call.body or b"{}")
                if not isinstance(changes, dict):
                    raise ValueError("the config must be a JSON object")
                return json_response(200, state.configure(changes))
            except ValueError as error:
                return json_response(400, {"error": str(error)})
        if call.path == OWN_PREFIX + "config" and call.method == "GET":
            return json_response(200, state.config())
        return text_response(404, "fault-proxy: no such endpoint\n")

    def send(self, response):
        try:
            self.send_response(response.status)
            length_sent = False
            for name, value in response.headers:
                lower = name.lower()
                if lower in ("server", "date"):
                    continue  # send_response wrote its own
                if lower == "content-length":
                    # A HEAD answer keeps moto's length (that of the GET body); others are set
                    # from the body sent here.
                    if response.head:
                        self.send_header(name, value)
                        length_sent = True
                    continue
                self.send_header(name, value)
            if not length_sent and response.status not in (204, 304) and response.status >= 200:
                self.send_header("Content-Length", str(len(response.body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if not response.head and response.body:
                self.wfile.write(response.body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True


def json_response(status, value):
    body = json.dumps(value, indent=None, sort_keys=True).encode()
    return Response(status, [("Content-Type", "application/json")], body)


def text_response(status, text):
    return Response(status, [("Content-Type", "text/plain; charset=utf-8")], text.encode())


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if Handler.state is not None and Handler.state.verbose:
            super().handle_error(request, client_address)


def write_atomically(path, text):
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
    # A rename is atomic: a reader never sees a half-written file.
    os.replace(temporary, path)


def rate_argument(text):
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be from 0 to 1")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="moto's URL, http://HOST:PORT")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port-file", required=True, help="where to write the bound port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=rate_argument, default=0.0, help="fault probability")
    parser.add_argument(
        "--lost-rate", type=rate_argument, default=0.0, help="lost-response probability"
    )
    parser.add_argument("--stats-file", help="where to write the stats on exit")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = parser.parse_args()

    Handler.state = State(args.upstream, args.seed, args.rate, args.lost_rate, args.verbose)
    server = Server((args.host, 0), Handler)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    serving = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="fault-proxy", daemon=True
    )
    serving.start()
    write_atomically(args.port_file, f"{server.server_port}\n")
    try:
        while not stop.wait(0.1):
            pass
    finally:
        server.shutdown()
        server.server_close()
        if args.stats_file:
            write_atomically(args.stats_file, json.dumps(Handler.state.stats(), indent=2) + "\n")
    sys.exit(0)


if __name__ == "__main__":
    main()
