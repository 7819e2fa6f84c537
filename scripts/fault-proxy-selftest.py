#!/usr/bin/env python3
"""Self-test of scripts/fault-proxy.py against a running moto server, with raw HTTP.

    fault-proxy-selftest.py --upstream http://127.0.0.1:MOTO_PORT [--proxy PATH_OR_URL]

--upstream is moto's server (started e.g. by scripts/moto-server.py). --proxy is the proxy script
to start (default: fault-proxy.py beside this file); the test starts it as a subprocess on a
loopback port, changes its rates through its config endpoint, and stops it. --proxy may instead be
the URL of a proxy already running in front of --upstream: then the checks that need a process of
their own (the stats file on SIGTERM, an unreachable upstream) are skipped.

Nothing is signed: moto accepts any SigV4-shaped Authorization header. Standard library only.
Prints one line per check and `N passed, M failed` last; exits 1 on any failure.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))

DYNAMODB_THROTTLING = {
    "ThrottlingException": 400,
    "ProvisionedThroughputExceededException": 400,
    "InternalServerError": 500,
}
TRANSACTION_KINDS = dict(DYNAMODB_THROTTLING, TransactionCanceledException=400)
REASON = (
    "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically "
    "scaling your table or index so please try again shortly."
)


def authorization(service):
    return (
        f"AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host, Signature=x"
    )


class Result:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {name.lower(): value for name, value in headers}
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


def endpoint(url):
    split = urllib.parse.urlsplit(url)
    return split.hostname, split.port


def request(url, method, path, headers=None, body=b"", connection=None):
    """One HTTP request; raises http.client.RemoteDisconnected when the connection is closed
    before a response."""
    own = connection is None
    if own:
        connection = http.client.HTTPConnection(*endpoint(url), timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Result(response.status, response.getheaders(), response.read())
    finally:
        if own:
            connection.close()


def dynamodb(url, operation, payload, streams=False, connection=None):
    prefix = "DynamoDBStreams_20120810" if streams else "DynamoDB_20120810"
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": f"{prefix}.{operation}",
        "Authorization": authorization("dynamodb"),
    }
    return request(url, "POST", "/", headers, json.dumps(payload).encode(), connection)


def s3(url, method, path, body=b"", headers=None):
    all_headers = {"Authorization": authorization("s3"), "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
    all_headers.update(headers or {})
    return request(url, method, path, all_headers, body)


def ses(url, form):
    headers = {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "Authorization": authorization("ses"),
    }
    return request(url, "POST", "/", headers, urllib.parse.urlencode(form).encode())


def send_email_form():
    return {
        "Action": "SendEmail",
        "Version": "2010-12-01",
        "Source": "award@example.com",
        "Destination.ToAddresses.member.1": "someone@example.com",
        "Message.Subject.Data": "hello",
        "Message.Body.Text.Data": "hello",
    }


def lost(call):
    """True when the call's connection was closed without a response."""
    try:
        result = call()
    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
        return True
    raise AssertionError(f"expected a lost response, got {result!r}")


class Proxy:
    """The proxy under test: a subprocess of this test, or one already running."""

    def __init__(self, script_or_url, upstream, work):
        self.process = None
        self.work = work
        if script_or_url.startswith("http://"):
            self.url = script_or_url.rstrip("/")
            self.stats_file = None
            return
        self.script = script_or_url
        self.upstream = upstream
        self.stats_file = os.path.join(work, "stats.json")
        self.start()

    def start(self, *extra):
        port_file = os.path.join(self.work, "proxy.port")
        if os.path.exists(port_file):
            os.remove(port_file)
        self.log = open(os.path.join(self.work, "proxy.log"), "wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                self.script,
                "--upstream",
                self.upstream,
                "--host",
                "127.0.0.1",
                "--port-file",
                port_file,
                "--stats-file",
                self.stats_file,
                *extra,
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the proxy exited with {self.process.returncode}")
            if os.path.exists(port_file):
                with open(port_file, encoding="ascii") as file:
                    self.url = f"http://127.0.0.1:{int(file.read())}"
                return
            time.sleep(0.05)
        raise RuntimeError("the proxy wrote no port in 15 s")

    def stop(self):
        """SIGTERM; returns the exit code (None if it had to be killed)."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None
        finally:
            self.log.close()

    def configure(self, **changes):
        headers = {"Content-Type": "application/json"}
        result = request(self.url, "POST", "/__fault-proxy/config", headers, json.dumps(changes).encode())
        assert result.status == 200, result
        return result.json()

    def stats(self):
        result = request(self.url, "GET", "/__fault-proxy/stats")
        assert result.status == 200, result
        return result.json()


def operation_delta(before, after, key):
    """The change of one by_operation entry between two stats snapshots."""
    empty = {"calls": 0, "faulted": {}, "lost": 0, "idempotent_replays": 0, "idempotent_mismatches": 0}
    old = before["by_operation"].get(key, empty)
    new = after["by_operation"].get(key, empty)
    faulted = {
        kind: new["faulted"].get(kind, 0) - old["faulted"].get(kind, 0)
        for kind in new["faulted"]
        if new["faulted"].get(kind, 0) != old["faulted"].get(kind, 0)
    }
    return {
        "calls": new["calls"] - old["calls"],
        "faulted": faulted,
        "lost": new["lost"] - old["lost"],
        "idempotent_replays": new["idempotent_replays"] - old["idempotent_replays"],
        "idempotent_mismatches": new["idempotent_mismatches"] - old["idempotent_mismatches"],
    }


def create_table(url, name):
    result = dynamodb(
        url,
        "CreateTable",
        {
            "TableName": name,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        },
    )
    assert result.status == 200, result
    return result.json()


def get_item(url, table, pk):
    result = dynamodb(url, "GetItem", {"TableName": table, "Key": {"pk": {"S": pk}}, "ConsistentRead": True})
    assert result.status == 200, result
    return result.json().get("Item")


def put_unless_exists(table, pk, value):
    return {
        "Put": {
            "TableName": table,
            "Item": {"pk": {"S": pk}, "value": {"S": value}},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def check_dynamodb_error(result, kinds):
    assert result.headers.get("content-type") == "application/x-amz-json-1.0", result.headers
    assert result.headers.get("x-amzn-requestid"), result.headers
    body = result.json()
    prefix = "com.amazonaws.dynamodb.v20120810#"
    assert body["__type"].startswith(prefix), body
    kind = body["__type"][len(prefix):]
    assert kind in kinds, body
    assert result.status == kinds[kind], (result.status, body)
    return kind, body


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="moto's server, http://127.0.0.1:PORT")
    parser.add_argument(
        "--proxy",
        default=os.path.join(HERE, "fault-proxy.py"),
        help="the proxy script to start, or the URL of a running proxy",
    )
    args = parser.parse_args()
    upstream = args.upstream.rstrip("/")
    for url in (upstream, args.proxy):
        if url.startswith("http://") and endpoint(url)[0] not in ("127.0.0.1", "localhost", "::1"):
            parser.error("only loopback addresses")

    passed = 0
    failed = 0

    def check(name, test):
        nonlocal passed, failed
        try:
            test()
        except Exception as error:  # report and go on
            failed += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
        else:
            passed += 1
            print(f"ok   {name}", flush=True)

    run = uuid.uuid4().hex[:8]
    work = tempfile.mkdtemp(prefix="fault-proxy-selftest.")
    proxy = None
    try:
        proxy = Proxy(args.proxy, upstream, work)
        own_process = proxy.process is not None
        table = f"fp-{run}"
        create_table(upstream, table)
        bucket = f"fp-{run}"

        def rate_one_dynamodb():
            proxy.configure(rate=1.0, lost_rate=0.0, seed=11)
            before = proxy.stats()
            seen = set()
            for index in range(12):
                result = dynamodb(proxy.url, "GetItem", {"TableName": table, "Key": {"pk": {"S": "x"}}})
                kind, body = check_dynamodb_error(result, DYNAMODB_THROTTLING)
                assert "message" in body, body
                seen.add(kind)
            assert len(seen) >= 2, f"12 calls met only {seen}"
            delta = operation_delta(before, proxy.stats(), "dynamodb.GetItem")
            assert delta["calls"] == 12 and sum(delta["faulted"].values()) == 12, delta

        def throttling_body_exact():
            proxy.configure(rate=1.0, lost_rate=0.0, seed=11)
            for _ in range(30):
                result = dynamodb(proxy.url, "ListTables", {})
                kind, body = check_dynamodb_error(result, DYNAMODB_THROTTLING)
                if kind == "ThrottlingException":
                    assert body == {
                        "__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                        "message": "Rate of requests exceeds the allowed throughput.",
                    }, body
                    return
            raise AssertionError("30 calls met no ThrottlingException")

        def rate_one_transaction():
            proxy.configure(rate=1.0, lost_rate=0.0, seed=5)
            items = [put_unless_exists(table, f"tx-{run}-{n}", "v") for n in range(3)]
            seen = set()
            for _ in range(24):
                result = dynamodb(proxy.url, "TransactWriteItems", {"TransactItems": items})
                kind, body = check_dynamodb_error(result, TRANSACTION_KINDS)
                seen.add(kind)
                if kind == "TransactionCanceledException":
                    reasons = body["CancellationReasons"]
                    assert reasons == [{"Code": "ThrottlingError", "Message": REASON}] * 3, reasons
                    expected = (
                        "Transaction cancelled, please refer cancellation reasons for specific "
                        "reasons [ThrottlingError, ThrottlingError, ThrottlingError]"
                    )
                    assert body["Message"] == expected, body
            assert "TransactionCanceledException" in seen, seen
            assert len(seen) >= 3, seen
            for n in range(3):
                assert get_item(upstream, table, f"tx-{run}-{n}") is None, "a faulted call reached moto"

        def streams_pass():
            proxy.configure(rate=1.0, lost_rate=1.0)
            before = proxy.stats()
            result = dynamodb(proxy.url, "ListStreams", {"TableName": table}, streams=True)
            assert result.status == 200, result
            assert result.json()["Streams"], result
            delta = operation_delta(before, proxy.stats(), "dynamodbstreams.ListStreams")
            assert delta == {"calls": 1, "faulted": {}, "lost": 0, "idempotent_replays": 0,
                             "idempotent_mismatches": 0}, delta

        def lost_create_and_put():
            proxy.configure(rate=0.0, lost_rate=1.0)
            before = proxy.stats()
            lost_table = f"fp-lost-{run}"
            assert lost(lambda: dynamodb(
                proxy.url,
                "CreateTable",
                {
                    "TableName": lost_table,
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "BillingMode": "PAY_PER_REQUEST",
                },
            ))
            described = dynamodb(upstream, "DescribeTable", {"TableName": lost_table})
            assert described.status == 200, described
            assert lost(lambda: dynamodb(
                proxy.url, "PutItem", {"TableName": lost_table, "Item": {"pk": {"S": "a"}, "n": {"N": "1"}}}
            ))
            assert get_item(upstream, lost_table, "a") == {"pk": {"S": "a"}, "n": {"N": "1"}}
            after = proxy.stats()
            assert operation_delta(before, after, "dynamodb.CreateTable")["lost"] == 1
            assert operation_delta(before, after, "dynamodb.PutItem")["lost"] == 1

        def idempotent_token():
            proxy.configure(rate=0.0, lost_rate=0.0)
            before = proxy.stats()
            token = f"token-{run}-1"
            request_body = {"TransactItems": [put_unless_exists(table, f"idem-{run}", "first")],
                            "ClientRequestToken": token}
            first = dynamodb(proxy.url, "TransactWriteItems", request_body)
            assert first.status == 200, first
            second = dynamodb(proxy.url, "TransactWriteItems", request_body)
            assert second.status == 200, second
            assert second.body == first.body, (first, second)
            # The test moto (scripts/moto-server.py) plays the same rule for a token it answered:
            # the same request again gets the same answer and is not applied again.
            direct = dynamodb(upstream, "TransactWriteItems", request_body)
            assert direct.status == 200, direct
            assert direct.body == first.body, (first, direct)
            assert get_item(upstream, table, f"idem-{run}")["value"] == {"S": "first"}
            other = {"TransactItems": [put_unless_exists(table, f"idem-{run}-other", "x")],
                     "ClientRequestToken": token}
            mismatch = dynamodb(proxy.url, "TransactWriteItems", other)
            kind, _ = check_dynamodb_error(mismatch, {"IdempotentParameterMismatchException": 400})
            assert get_item(upstream, table, f"idem-{run}-other") is None
            delta = operation_delta(before, proxy.stats(), "dynamodb.TransactWriteItems")
            assert delta["calls"] == 3 and delta["idempotent_replays"] == 1, delta
            assert delta["idempotent_mismatches"] == 1, delta

        def idempotent_after_lost_response():
            # The case the token exists for: the response is lost, the retry must not fail.
            token = f"token-{run}-2"
            request_body = {"TransactItems": [put_unless_exists(table, f"lost-idem-{run}", "v")],
                            "ClientRequestToken": token}
            proxy.configure(rate=0.0, lost_rate=1.0)
            assert lost(lambda: dynamodb(proxy.url, "TransactWriteItems", request_body))
            assert get_item(upstream, table, f"lost-idem-{run}") is not None
            proxy.configure(rate=0.0, lost_rate=0.0)
            retry = dynamodb(proxy.url, "TransactWriteItems", request_body)
            assert retry.status == 200, retry

        def idempotent_concurrent():
            proxy.configure(rate=0.0, lost_rate=0.0)
            before = proxy.stats()
            token = f"token-{run}-3"
            request_body = {"TransactItems": [put_unless_exists(table, f"conc-{run}", "v")],
                            "ClientRequestToken": token}
            results = []

            def one():
                results.append(dynamodb(proxy.url, "TransactWriteItems", request_body))

            threads = [threading.Thread(target=one) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert [r.status for r in results] == [200] * 4, results
            delta = operation_delta(before, proxy.stats(), "dynamodb.TransactWriteItems")
            assert delta["idempotent_replays"] == 3, delta

        def faulted_retry_still_faulted():
            proxy.configure(rate=0.0, lost_rate=0.0)
            token = f"token-{run}-4"
            request_body = {"TransactItems": [put_unless_exists(table, f"fr-{run}", "v")],
                            "ClientRequestToken": token}
            assert dynamodb(proxy.url, "TransactWriteItems", request_body).status == 200
            proxy.configure(rate=1.0)
            result = dynamodb(proxy.url, "TransactWriteItems", request_body)
            check_dynamodb_error(result, TRANSACTION_KINDS)
            proxy.configure(rate=0.0)

        def s3_forwarding():
            proxy.configure(rate=0.0, lost_rate=0.0)
            assert s3(proxy.url, "PUT", f"/{bucket}").status == 200
            put = s3(proxy.url, "PUT", f"/{bucket}/a.txt", b"hello world", {"Content-Type": "text/plain"})
            assert put.status == 200, put
            got = s3(upstream, "GET", f"/{bucket}/a.txt")
            assert got.status == 200 and got.body == b"hello world", got
            via = s3(proxy.url, "GET", f"/{bucket}/a.txt")
            assert via.status == 200 and via.body == b"hello world", via
            head = s3(proxy.url, "HEAD", f"/{bucket}/a.txt")
            assert head.status == 200 and head.body == b"", head
            assert head.headers.get("content-length") == "11", head.headers
            missing = s3(proxy.url, "GET", f"/{bucket}/missing.txt")
            assert missing.status == 404 and b"NoSuchKey" in missing.body, missing
            deleted = s3(proxy.url, "DELETE", f"/{bucket}/a.txt")
            assert deleted.status == 204, deleted

        def s3_rate_one():
            proxy.configure(rate=1.0, lost_rate=0.0, seed=3)
            before = proxy.stats()
            seen = set()
            for index in range(10):
                result = s3(proxy.url, "PUT", f"/{bucket}/f{index}", b"data")
                assert result.headers.get("content-type") == "application/xml", result.headers
                assert result.headers.get("x-amz-request-id"), result.headers
                body = result.body.decode()
                assert body.startswith('<?xml version="1.0" encoding="UTF-8"?><Error><Code>'), body
                if result.status == 503:
                    assert "<Code>SlowDown</Code><Message>Please reduce your request rate.</Message>" in body
                    seen.add("SlowDown")
                else:
                    assert result.status == 500 and "<Code>InternalError</Code>" in body, result
                    seen.add("InternalError")
                assert "<RequestId>" in body and "<HostId>" in body, body
            assert seen == {"SlowDown", "InternalError"}, seen
            head = s3(proxy.url, "HEAD", f"/{bucket}/f0")
            assert head.status in (500, 503) and head.body == b"", head
            after = proxy.stats()
            assert operation_delta(before, after, "s3.PUT")["calls"] == 10
            assert sum(operation_delta(before, after, "s3.HEAD")["faulted"].values()) == 1
            listed = s3(upstream, "GET", f"/{bucket}?list-type=2")
            assert b"<Key>f" not in listed.body, listed

        def s3_lost():
            proxy.configure(rate=0.0, lost_rate=1.0)
            assert lost(lambda: s3(proxy.url, "PUT", f"/{bucket}/lost.txt", b"effect"))
            got = s3(upstream, "GET", f"/{bucket}/lost.txt")
            assert got.status == 200 and got.body == b"effect", got

        def ses_forwarding():
            proxy.configure(rate=0.0, lost_rate=0.0)
            before = proxy.stats()
            verified = ses(proxy.url, {"Action": "VerifyEmailIdentity", "Version": "2010-12-01",
                                       "EmailAddress": "award@example.com"})
            assert verified.status == 200, verified
            sent = ses(proxy.url, send_email_form())
            assert sent.status == 200 and b"<MessageId>" in sent.body, sent
            delta = operation_delta(before, proxy.stats(), "ses.SendEmail")
            assert delta["calls"] == 1, delta

        def ses_rate_one():
            proxy.configure(rate=1.0, lost_rate=0.0, seed=2)
            before = proxy.stats()
            seen = set()
            for _ in range(10):
                result = ses(proxy.url, send_email_form())
                assert result.headers.get("x-amzn-requestid"), result.headers
                body = result.body.decode()
                assert body.startswith('<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/">'), body
                if result.status == 400:
                    assert ("<Error><Type>Sender</Type><Code>Throttling</Code>"
                            "<Message>Maximum sending rate exceeded.</Message></Error>") in body, body
                    seen.add("Throttling")
                else:
                    assert result.status == 500, result
                    assert "<Type>Receiver</Type><Code>InternalFailure</Code>" in body, body
                    seen.add("InternalFailure")
                assert "<RequestId>" in body
            assert seen == {"Throttling", "InternalFailure"}, seen
            delta = operation_delta(before, proxy.stats(), "ses.SendEmail")
            assert delta["calls"] == 10 and sum(delta["faulted"].values()) == 10, delta

        def moto_api_untouched():
            proxy.configure(rate=1.0, lost_rate=1.0)
            before = proxy.stats()
            for _ in range(3):
                via = request(proxy.url, "GET", "/moto-api/data.json")
                assert via.status == 200, via
                json.loads(via.body)
            after = proxy.stats()
            assert after["calls"] == before["calls"], (before["calls"], after["calls"])
            assert not any(key.startswith("moto-api") for key in after["by_operation"]), after

        def chunked_and_keep_alive():
            proxy.configure(rate=0.0, lost_rate=0.0)
            connection = http.client.HTTPConnection(*endpoint(proxy.url), timeout=30)
            try:
                payload = json.dumps({"TableName": table, "Item": {"pk": {"S": f"chunk-{run}"}}}).encode()
                connection.putrequest("POST", "/", skip_accept_encoding=True)
                for name, value in {
                    "Content-Type": "application/x-amz-json-1.0",
                    "X-Amz-Target": "DynamoDB_20120810.PutItem",
                    "Authorization": authorization("dynamodb"),
                    "Transfer-Encoding": "chunked",
                }.items():
                    connection.putheader(name, value)
                connection.endheaders()
                for start in range(0, len(payload), 7):
                    piece = payload[start:start + 7]
                    connection.send(b"%x\r\n%s\r\n" % (len(piece), piece))
                connection.send(b"0\r\n\r\n")
                response = connection.getresponse()
                assert response.status == 200, (response.status, response.read())
                response.read()
                # The same connection again: keep-alive.
                for _ in range(3):
                    again = dynamodb(proxy.url, "ListTables", {}, connection=connection)
                    assert again.status == 200, again
            finally:
                connection.close()
            assert get_item(upstream, table, f"chunk-{run}") is not None

        def reproducible_by_seed():
            def sequence():
                proxy.configure(rate=0.5, lost_rate=0.0, seed=42)
                kinds = []
                for _ in range(16):
                    result = dynamodb(proxy.url, "ListTables", {})
                    kinds.append(result.json().get("__type", "ok") if result.status != 200 else "ok")
                return kinds

            first, second = sequence(), sequence()
            assert first == second, (first, second)
            assert "ok" in first and len(set(first)) >= 3, first

        def config_validation():
            result = request(proxy.url, "POST", "/__fault-proxy/config", {}, b'{"rate": 2}')
            assert result.status == 400, result
            config = proxy.configure(rate=0.25, lost_rate=0.5)
            assert config["rate"] == 0.25 and config["lost_rate"] == 0.5, config
            stats = proxy.stats()
            assert stats["rate"] == 0.25 and stats["lost_rate"] == 0.5 and "seed" in stats, stats
            proxy.configure(rate=0.0, lost_rate=0.0)

        def stats_shape():
            stats = proxy.stats()
            assert set(stats) >= {"calls", "by_operation", "seed", "rate", "lost_rate"}, stats
            assert stats["calls"] == sum(e["calls"] for e in stats["by_operation"].values()), stats
            for key, entry in stats["by_operation"].items():
                assert set(entry) >= {"calls", "faulted", "lost", "idempotent_replays"}, (key, entry)
            for key in ("dynamodb.TransactWriteItems", "dynamodb.GetItem", "s3.PUT", "ses.SendEmail",
                        "dynamodbstreams.ListStreams"):
                assert key in stats["by_operation"], key
            print("     stats: " + json.dumps(stats, sort_keys=True), flush=True)

        def upstream_down():
            broken = Proxy(proxy.script, "http://127.0.0.1:1", tempfile.mkdtemp(dir=work))
            try:
                result = dynamodb(broken.url, "ListTables", {})
                assert result.status == 502 and result.body.startswith(b"fault-proxy:"), result
                # Still serving after the failure.
                assert request(broken.url, "GET", "/__fault-proxy/stats").status == 200
            finally:
                assert broken.stop() == 0

        def sigterm_writes_stats():
            expected = proxy.stats()
            assert proxy.stop() == 0, "the proxy did not exit 0 on SIGTERM"
            with open(proxy.stats_file, encoding="utf-8") as file:
                written = json.load(file)
            assert written == expected, (written, expected)

        check("rate 1: DynamoDB calls get throttling-type errors", rate_one_dynamodb)
        check("rate 1: ThrottlingException body is AWS's", throttling_body_exact)
        check("rate 1: TransactWriteItems gets one of four kinds, a reason per item", rate_one_transaction)
        check("rate 1: DynamoDB Streams passes through", streams_pass)
        check("lost 1: CreateTable/PutItem take effect though the connection closed", lost_create_and_put)
        check("ClientRequestToken: replay 200, applied once; other body mismatched", idempotent_token)
        check("ClientRequestToken: retry after a lost response gets 200", idempotent_after_lost_response)
        check("ClientRequestToken: concurrent calls serialised", idempotent_concurrent)
        check("ClientRequestToken: a retry is faulted like any call", faulted_retry_still_faulted)
        check("rate 0: S3 forwarded (PUT, GET, HEAD length, 404, DELETE 204)", s3_forwarding)
        check("rate 1: S3 answers SlowDown 503 or InternalError 500 XML", s3_rate_one)
        check("lost 1: S3 PUT takes effect", s3_lost)
        check("rate 0: SES forwarded", ses_forwarding)
        check("rate 1: SES answers Throttling or InternalFailure XML", ses_rate_one)
        check("rate 1: /moto-api passes through, uncounted", moto_api_untouched)
        check("chunked request body and keep-alive", chunked_and_keep_alive)
        check("same seed, same faults", reproducible_by_seed)
        check("config endpoint", config_validation)
        check("stats count what happened", stats_shape)
        if own_process:
            check("unreachable upstream answers 502", upstream_down)
            check("SIGTERM writes the stats file, exit 0", sigterm_writes_stats)
    except Exception as error:
        failed += 1
        print(f"FAIL setup: {type(error).__name__}: {error}", flush=True)
    finally:
        if proxy is not None and proxy.process is not None:
            proxy.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
