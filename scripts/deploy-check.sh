#!/usr/bin/env bash
# Deploys infra/template.yaml to a running moto server (MOTO_URL, e.g. http://127.0.0.1:5000)
# through CloudFormation and checks what moto models of the result.
#
# moto has no SAM transform, so the template is first translated offline with aws-sam-translator
# (scripts/sam-translate.py); the function code is a dummy zip put in moto's S3 (moto cannot run
# Lambda code anyway). Each run uses its own stack name and bucket prefix, so it can share a moto
# server with other tests and be repeated.
#
# What this proves: CloudFormation resolves every reference and dependency of the translated
# template (no cycle, no dangling Ref/GetAtt) and reaches CREATE_COMPLETE; the table, buckets,
# queues, functions (runtime, handler, architecture, environment) and the stream's event source
# mapping come out as declared. What it cannot: moto's CloudFormation accepts Cognito, API
# Gateway v2, bucket and queue policies, EventInvokeConfig as no-ops, ignores a bucket's
# versioning and notification settings, and checks no IAM policy; it has no CloudFront at all, so
# the CloudFront resources (the pages' distribution, its origin access control and headers
# policy) are taken out and every reference to them replaced by a stand-in value before the
# deployment. cfn-lint and checkov (scripts/lint-infra.sh) cover those statically.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
: "${MOTO_URL:?set MOTO_URL to a running moto server, e.g. http://127.0.0.1:5000}"
if ! curl -sf -o /dev/null "$MOTO_URL/moto-api/"; then
  echo "deploy-check: no moto server answers at $MOTO_URL" >&2
  exit 1
fi

# The translator and boto3 live in the venv lint-infra.sh builds.
# shellcheck source=scripts/ensure-venv.sh
source scripts/ensure-venv.sh
ensure_venv .venv-cfnlint infra/requirements/cfnlint.txt

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
run_id="$(date +%s)$RANDOM"
code_bucket="deploy-check-code-$run_id"

.venv-cfnlint/bin/python scripts/sam-translate.py infra/template.yaml "$work/template.json" \
  --code-uri "s3://$code_bucket/function.zip" AllowedOrigins=https://award.example.org

.venv-cfnlint/bin/python - "$MOTO_URL" "$work/template.json" "$run_id" "$code_bucket" <<'PY'
import io
import json
import sys
import time
import zipfile

import boto3

moto_url, template_path, run_id, code_bucket = sys.argv[1:5]
session = boto3.session.Session(
    aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
)


def client(service):
    return session.client(service, endpoint_url=moto_url)


failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


s3 = client("s3")
s3.create_bucket(Bucket=code_bucket)
archive = io.BytesIO()
with zipfile.ZipFile(archive, "w") as bundle:
    bundle.writestr("bootstrap", "#!/bin/sh\nexit 1\n")
s3.put_object(Bucket=code_bucket, Key="function.zip", Body=archive.getvalue())

cloudformation = client("cloudformation")
stack = f"award-deploy-check-{run_id}"
name_prefix = f"dc{run_id}"[:20]
with open(template_path, encoding="utf-8") as handle:
    template = json.load(handle)

# moto has no CloudFront: drop those resources and put stand-ins where they are referenced.
STAND_INS = {
    ("WebDistribution", "DomainName"): "d111111abcdef8.cloudfront.net",
    ("WebDistribution", None): "E2QWRUHEXAMPLE",
    ("WebOriginAccessControl", "Id"): "E1EXAMPLEOAC",
    ("WebSecurityHeaders", None): "rhp-example",
}
cloudfront = [
    name for name, resource in template["Resources"].items()
    if resource["Type"].startswith("AWS::CloudFront::")
]
for name in cloudfront:
    del template["Resources"][name]


def stand_in(node):
    if isinstance(node, list):
        return [stand_in(item) for item in node]
    if not isinstance(node, dict):
        return node
    if list(node) == ["Ref"] and node["Ref"] in cloudfront:
        return STAND_INS[(node["Ref"], None)]
    if list(node) == ["Fn::GetAtt"]:
        target = node["Fn::GetAtt"]
        target = target.split(".", 1) if isinstance(target, str) else target
        if target[0] in cloudfront:
            return STAND_INS[(target[0], target[1])]
    if list(node) == ["Fn::Sub"]:
        text, variables = (node["Fn::Sub"], None) if isinstance(node["Fn::Sub"], str) else node["Fn::Sub"]
        for (name, attribute), value in STAND_INS.items():
            text = text.replace("${" + name + ("." + attribute if attribute else "") + "}", value)
        return {"Fn::Sub": text if variables is None else [text, stand_in(variables)]}
    return {key: stand_in(value) for key, value in node.items()}


template = stand_in(template)
expect(
    sorted(cloudfront) == ["WebDistribution", "WebOriginAccessControl", "WebSecurityHeaders"],
    f"the CloudFront resources taken out: {cloudfront}",
)
body = json.dumps(template)
cloudformation.create_stack(
    StackName=stack,
    TemplateBody=body,
    Capabilities=["CAPABILITY_IAM"],
    Parameters=[
        {"ParameterKey": "NamePrefix", "ParameterValue": name_prefix},
        {"ParameterKey": "MailFrom", "ParameterValue": "award@example.org"},
        {"ParameterKey": "OfficeMailbox", "ParameterValue": "office@example.org"},
        {"ParameterKey": "CommitteeMailbox", "ParameterValue": "committee@example.org"},
        {"ParameterKey": "FinanceMailbox", "ParameterValue": "finance@example.org"},
        {"ParameterKey": "PublicBaseUrl", "ParameterValue": "https://award.example.org"},
        {"ParameterKey": "AllowedOrigins", "ParameterValue": "https://award.example.org"},
    ],
)
deadline = time.monotonic() + 120
while True:
    description = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    if not description["StackStatus"].endswith("_IN_PROGRESS") or time.monotonic() > deadline:
        break
    time.sleep(0.5)
status = description["StackStatus"]
if status != "CREATE_COMPLETE":
    for event in cloudformation.describe_stack_events(StackName=stack)["StackEvents"]:
        if event["ResourceStatus"].endswith("FAILED"):
            print(f"  {event['LogicalResourceId']}: {event.get('ResourceStatusReason')}", file=sys.stderr)
    sys.exit(f"deploy-check: stack {stack} ended {status}")

outputs = {o["OutputKey"]: o["OutputValue"] for o in description.get("Outputs", [])}
physical = {
    r["LogicalResourceId"]: r["PhysicalResourceId"]
    for r in cloudformation.describe_stack_resources(StackName=stack)["StackResources"]
    if r.get("LogicalResourceId") and r.get("PhysicalResourceId")
}

# The table: the keys and indexes of docs/ARCHITECTURE.md, streaming new images.
table_name = outputs.get("TableName", "")
table = client("dynamodb").describe_table(TableName=table_name)["Table"]
expect(
    [(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]] == [("PK", "HASH"), ("SK", "RANGE")],
    f"table key schema {table['KeySchema']}",
)
indexes = {
    index["IndexName"]: (
        [(k["AttributeName"], k["KeyType"]) for k in index["KeySchema"]],
        index["Projection"]["ProjectionType"],
    )
    for index in table.get("GlobalSecondaryIndexes", [])
}
expect(
    indexes
    == {
        "GSI1": ([("GSI1PK", "HASH"), ("GSI1SK", "RANGE")], "ALL"),
        "GSI2": ([("GSI2PK", "HASH"), ("GSI2SK", "RANGE")], "ALL"),
    },
    f"table indexes {indexes}",
)
expect(
    table.get("StreamSpecification") == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    f"table stream {table.get('StreamSpecification')}",
)
# Per-day items expire: the TTL attribute the app writes (award_ports::table::TTL). moto's
# CloudFormation creates the table without applying TimeToLiveSpecification, so the deployed
# table cannot show it here: the translated template is checked for it instead.
tables = [r for r in template["Resources"].values() if r.get("Type") == "AWS::DynamoDB::Table"]
ttl = [t.get("Properties", {}).get("TimeToLiveSpecification") for t in tables]
expect(
    ttl == [{"AttributeName": "ttl", "Enabled": True}],
    f"table time to live in the template {ttl}",
)
expect(
    table.get("BillingModeSummary", {}).get("BillingMode") == "PAY_PER_REQUEST",
    f"table billing {table.get('BillingModeSummary')}",
)

# The buckets, named from the prefix so that no dependency cycle forms.
bucket = outputs.get("EvidenceBucketName", "")
expect(bucket == f"{name_prefix}-evidence-123456789012-us-east-1", f"evidence bucket name {bucket!r}")
existing = {b["Name"] for b in s3.list_buckets()["Buckets"]}
expect(bucket in existing, "evidence bucket was not created")
expect(f"{name_prefix}-access-logs-123456789012-us-east-1" in existing, "access-log bucket was not created")

# The functions: the runtime SAM builds for, and the environment the binaries read.
lambda_client = client("lambda")
for logical in ("UploadApiFunction", "UploadReceivedFunction", "NotifyFunction", "ScreeningFunction", "AggregateFunction", "PublicityFunction", "ArchiveFunction"):
    function = lambda_client.get_function(FunctionName=physical[logical])["Configuration"]
    expect(function["Runtime"] == "provided.al2023", f"{logical} runtime {function['Runtime']}")
    expect(function["Handler"] == "bootstrap", f"{logical} handler {function['Handler']}")
    expect(function.get("Architectures") == ["x86_64"], f"{logical} architectures {function.get('Architectures')}")
    variables = function.get("Environment", {}).get("Variables", {})
    expect(variables.get("TABLE_NAME") == table_name, f"{logical} TABLE_NAME {variables.get('TABLE_NAME')!r}")
    expect(variables.get("BUCKET_NAME") == bucket, f"{logical} BUCKET_NAME {variables.get('BUCKET_NAME')!r}")
    expect(variables.get("MAIL_FROM") == "award@example.org", f"{logical} MAIL_FROM {variables.get('MAIL_FROM')!r}")
    expect(str(variables.get("MAX_UPLOAD_BYTES")) == "52428800", f"{logical} MAX_UPLOAD_BYTES {variables.get('MAX_UPLOAD_BYTES')!r}")

# The stream feeds notify, bisecting failed batches and parking what still fails in the queue.
mappings = lambda_client.list_event_source_mappings(FunctionName=physical["NotifyFunction"])["EventSourceMappings"]
expect(len(mappings) == 1, f"notify has {len(mappings)} event source mappings")
for mapping in mappings:
    expect(mapping["EventSourceArn"] == table.get("LatestStreamArn"), f"mapping source {mapping['EventSourceArn']}")
    expect(mapping.get("BisectBatchOnFunctionError") is True, "mapping does not bisect failed batches")
    failure_queue = client("sqs").get_queue_attributes(
        QueueUrl=outputs["NotifyFailuresQueueUrl"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    destination = mapping.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
    expect(destination == failure_queue, f"mapping on-failure destination {destination}")

# The stream feeds screening too, filtered to applications becoming recommended (Art. 11(4)).
mappings = lambda_client.list_event_source_mappings(FunctionName=physical["ScreeningFunction"])["EventSourceMappings"]
expect(len(mappings) == 1, f"screening has {len(mappings)} event source mappings")
for mapping in mappings:
    expect(mapping["EventSourceArn"] == table.get("LatestStreamArn"), f"screening mapping source {mapping['EventSourceArn']}")
    patterns = [f.get("Pattern", "") for f in mapping.get("FilterCriteria", {}).get("Filters", [])]
    expect(
        len(patterns) == 1 and json.loads(patterns[0])["dynamodb"]["NewImage"]["lifecycle"]["M"]["state"]["S"] == ["recommended"],
        f"screening mapping filter {patterns}",
    )

# And archive, filtered to export jobs inserted queued (issue 22): one export per invocation.
mappings = lambda_client.list_event_source_mappings(FunctionName=physical["ArchiveFunction"])["EventSourceMappings"]
expect(len(mappings) == 1, f"archive has {len(mappings)} event source mappings")
for mapping in mappings:
    expect(mapping["EventSourceArn"] == table.get("LatestStreamArn"), f"archive mapping source {mapping['EventSourceArn']}")
    patterns = [json.loads(f.get("Pattern", "{}")) for f in mapping.get("FilterCriteria", {}).get("Filters", [])]
    expect(
        len(patterns) == 1
        and patterns[0]["dynamodb"]["NewImage"]["type"]["S"] == ["archive_job"]
        and patterns[0]["dynamodb"]["NewImage"]["status"]["S"] == ["queued"],
        f"archive mapping filter {patterns}",
    )
    expect(mapping.get("BatchSize") == 1, f"archive mapping batch size {mapping.get('BatchSize')}")
archive_timeout = lambda_client.get_function(FunctionName=physical["ArchiveFunction"])["Configuration"]["Timeout"]
expect(archive_timeout == 900, f"archive timeout {archive_timeout}")

# And aggregate, filtered to submitted score sheets and received review reports (Art. 11(5)-(6)).
mappings = lambda_client.list_event_source_mappings(FunctionName=physical["AggregateFunction"])["EventSourceMappings"]
expect(len(mappings) == 1, f"aggregate has {len(mappings)} event source mappings")
for mapping in mappings:
    expect(mapping["EventSourceArn"] == table.get("LatestStreamArn"), f"aggregate mapping source {mapping['EventSourceArn']}")
    patterns = [json.loads(f.get("Pattern", "{}")) for f in mapping.get("FilterCriteria", {}).get("Filters", [])]
    types = sorted(p["dynamodb"]["NewImage"]["type"]["S"][0] for p in patterns)
    expect(types == ["assignment", "document"], f"aggregate mapping filter {patterns}")

for message in failures:
    print(f"deploy-check: {message}", file=sys.stderr)
if failures:
    sys.exit(1)
print(f"deploy-check: stack {stack} CREATE_COMPLETE on moto; table, buckets, functions and stream mappings as declared")
PY
