#!/usr/bin/env bash
# Validates the deployment files offline, each with its own tool (deploy/requirements.txt,
# installed by .ci/setup.sh): the CloudFormation template (cfn-lint), the Kubernetes
# manifests (kubernetes-validate --strict, against the Kubernetes schemas it ships; KEDA's
# resources against deploy/kubernetes/schemas/keda.schema.json), the Dockerfile (hadolint),
# and the IAM policies (JSON, no wildcard action or resource, no Allow on a bucket
# without a key prefix but the listings). Exits non-zero on the first problem.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[deploy] %s\n' "$*"; }

say "CloudFormation: cfn-lint"
cfn-lint deploy/cloudformation/*.yaml

say "Kubernetes: kubernetes-validate --strict"
kubernetes-validate --strict --quiet deploy/kubernetes/worker.yaml

say "Kubernetes: KEDA resources against their schema; IAM policies"
python3 - <<'PY'
import json, sys, glob
import yaml, jsonschema
schema = json.load(open("deploy/kubernetes/schemas/keda.schema.json"))
docs = [d for d in yaml.safe_load_all(open("deploy/kubernetes/keda.yaml")) if d]
assert {d["kind"] for d in docs} == {"ScaledObject", "TriggerAuthentication"}, "keda.yaml: both kinds"
for d in docs:
    jsonschema.validate(d, schema)
# The ScaledObject scales the Deployment of worker.yaml, in its namespace.
worker = [d for d in yaml.safe_load_all(open("deploy/kubernetes/worker.yaml")) if d]
deployments = {(d["metadata"]["namespace"], d["metadata"]["name"]) for d in worker if d["kind"] == "Deployment"}
for d in docs:
    if d["kind"] == "ScaledObject":
        target = (d["metadata"]["namespace"], d["spec"]["scaleTargetRef"]["name"])
        assert target in deployments, f"ScaledObject targets {target}, not a Deployment of worker.yaml"
for path in sorted(glob.glob("deploy/iam/*.json")):
    policy = json.load(open(path))
    for st in policy["Statement"]:
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
        assert all("*" not in a for a in actions), f"{path} {st['Sid']}: wildcard action"
        assert all(r != "*" for r in resources), f"{path} {st['Sid']}: any resource"
        for a in actions:
            if a.startswith("s3:") and not a.startswith("s3:List"):
                assert all(r.count("/") >= 1 for r in resources), f"{path} {st['Sid']}: {a} on a whole bucket"
print("[deploy] KEDA resources and IAM policies: ok")
PY

say "Dockerfile: hadolint"
hadolint Dockerfile
say "all deployment files valid"
