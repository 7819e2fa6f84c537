#!/usr/bin/env python3
"""moto's server for the test harness (scripts/test.sh), with these changes from `moto_server`.

1. One request at a time. moto applies a DynamoDB conditional write as a check followed by a write,
   without a lock, so two concurrent TransactWriteItems on one item can both pass their
   `version = :v` check and one update is lost (measured with moto 5.2.5: 20 racing increments
   left 17). DynamoDB never does that. Serialising requests gives each request the atomicity
   DynamoDB gives it, so the contract's concurrency rule tests our adapter, not moto's threads: an
   adapter that dropped its condition would still lose updates between requests.
2. It binds port 0 and writes the port the OS chose to --port-file, so parallel runs never race
   for a "free" port.
4. A TransactWriteItems that repeats the ClientRequestToken of one that succeeded gets that one's
   answer without being applied again, as DynamoDB does for ten minutes. moto ignores the token,
   so when the SDK re-sent a transaction whose first attempt moto applied after the client's
   attempt timeout (requests wait their turn under the lock above on a loaded machine), the copy
   failed its own conditions and the caller read a refusal for a write that had happened.
3. `/moto-api/data.json` (where the SES tests read the mail moto "sent") leaves out an attribute
   that raises anything, not only the TypeError, AttributeError and ValueError moto 5.2.5 expects:
   once a multipart upload has run (the cycle's archive), the part objects moto keeps have no
   bucket, and their `status` raises MissingBucket, which made data.json answer 500.
"""

import argparse
import os
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server


def tolerant_model_data():
    """Patches moto's data.json before its URL table binds the method (point 3 above)."""
    import json

    from moto.moto_api._internal import responses

    def model_data(self, request, full_url, headers):
        from moto.core.model_instances import model_data as tracked

        results = {}
        for service in sorted(tracked):
            models = tracked[service]
            results[service] = {}
            for name in sorted(models):
                results[service][name] = []
                for instance in models[name].instances_tracked:
                    fields = {}
                    for attr in dir(instance):
                        if attr.startswith("_"):
                            continue
                        try:
                            value = getattr(instance, attr)
                            json.dumps(value)
                        except Exception:  # noqa: BLE001 - moto's own models may raise anything
                            continue
                        fields[attr] = value
                    results[service][name].append(fields)
        return 200, {"Content-Type": "application/javascript"}, json.dumps(results)

    responses.MotoAPIResponse.model_data = model_data


def transaction_token(environ):
    """The ClientRequestToken and the body of a DynamoDB TransactWriteItems, else None; the body is
    put back for moto to read."""
    import io
    import json

    if not environ.get("HTTP_X_AMZ_TARGET", "").endswith(".TransactWriteItems"):
        return None
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    try:
        token = json.loads(body).get("ClientRequestToken")
    except ValueError:
        return None
    return (token, body) if token else None


def serialised(app):
    import time

    lock = threading.Lock()
    # token -> (body, status, headers, response, when): the successful transactions (point 4
    # above), kept for DynamoDB's ten minutes and no longer, so that a whole test suite's
    # transactions do not pile up in the server's memory.
    answered = {}
    window = 600.0

    def application(environ, start_response):
        with lock:
            idempotent = transaction_token(environ)
            now = time.monotonic()
            for token in [t for t, kept in answered.items() if now - kept[4] > window]:
                del answered[token]
            if idempotent is not None and idempotent[0] in answered:
                body, status, headers, response, _ = answered[idempotent[0]]
                if body == idempotent[1]:
                    start_response(status, headers)
                    return [response]
            captured = {}

            def capture(status, headers, exc_info=None):
                captured["status"], captured["headers"] = status, headers
                return start_response(status, headers, exc_info)

            result = app(environ, capture)
            try:
                # The whole response is produced under the lock: moto may build it lazily.
                response = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            if idempotent is not None and captured.get("status", "").startswith("200"):
                answered[idempotent[0]] = (
                    idempotent[1],
                    captured["status"],
                    captured["headers"],
                    response,
                    now,
                )
            return [response]

    return application


def main():
    tolerant_model_data()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port-file", required=True, help="where to write the bound port")
    args = parser.parse_args()

    backend = DomainDispatcherApplication(create_backend_app)
    server = make_server(
        args.host,
        0,
        serialised(backend),
        threaded=True,
        request_handler=MotoRequestHandler,
    )
    # moto builds some URLs (e.g. SQS queue URLs) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(server.server_port)
    temporary = args.port_file + ".tmp"
    with open(temporary, "w", encoding="ascii") as port_file:
        port_file.write(f"{server.server_port}\n")
    # A rename is atomic: the harness never reads a half-written port.
    os.replace(temporary, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
