#!/usr/bin/env python3
"""Translate the SAM template to plain CloudFormation offline, with aws-sam-translator.

Usage: sam-translate.py TEMPLATE OUTPUT [--code-uri s3://BUCKET/KEY] [Name=Value ...]

The output is what CloudFormation would run after the AWS::Serverless transform: checkov and
cfn-lint scan it to see the resources SAM generates (permissions, event source mappings, the
HTTP API's stage and routes), and deploy-check.sh deploys it to moto, which has no SAM transform.
No AWS call is made: the template names its roles itself, so no managed policy is looked up.
Local CodeUri paths (what `sam build` compiles) are replaced by --code-uri, as `sam package`
would replace them by the uploaded zip (default: a placeholder, fine for scanning).
"""

import json
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    """The template attaches no managed policy by name; a lookup would mean it started to."""

    def load(self):
        raise RuntimeError("the template asked SAM to resolve a managed policy; name the role's policies inline")


def replace_local_code(sam: dict, code_uri: str) -> None:
    holders = [sam.get("Globals", {}).get("Function", {})]
    holders += [
        resource.get("Properties", {})
        for resource in sam.get("Resources", {}).values()
        if resource.get("Type") == "AWS::Serverless::Function"
    ]
    for holder in holders:
        if isinstance(holder.get("CodeUri"), str) and not holder["CodeUri"].startswith("s3://"):
            holder["CodeUri"] = code_uri


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, output, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    code_uri = "s3://code-placeholder/function.zip"
    if rest[:1] == ["--code-uri"] and len(rest) > 1:
        code_uri, rest = rest[1], rest[2:]
    parameters = dict(arg.split("=", 1) for arg in rest)
    # The translator fills AWS::Region from the environment when it needs it.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with open(source, encoding="utf-8") as handle:
        sam = yaml_parse(handle.read())
    replace_local_code(sam, code_uri)
    cloudformation = transform(sam, parameters, NoManagedPolicies())
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(cloudformation, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
