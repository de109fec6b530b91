#!/usr/bin/env bash
# Benchmark of `watt ingest` (validate + minimise + upload) against `aws s3 cp` of the same
# source bytes (upload alone) and against the original pandas + boto3 flow
# (bench/ingest/ingest_data.py), all to one local SeaweedFS on 127.0.0.1.
# Measures wall time (median of RUNS) and peak RSS (/usr/bin/time -v), writes
# bench/results/ingest.json and prints the ratios.
#
# Usage: bash bench/ingest.sh            (SIZE_MB=1100 RUNS=3 PANDAS_RUNS=1 by default)
# Peak RSS is also measured on a file twice as large (one run): it must not grow with size.
# Needs ~12 GB of free disk per run set and ~10 GB of memory for the pandas baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"
SIZE_MB=${SIZE_MB:-1100}
SMALL_MB=${SMALL_MB:-110}
RUNS=${RUNS:-3}
PANDAS_RUNS=${PANDAS_RUNS:-1}
TMP="$ROOT/bench/results/tmp/ingest"
mkdir -p "$TMP"

command -v aws >/dev/null 2>&1 || python3 -m pip install --quiet awscli
python3 -c "import pandas, boto3, dotenv" 2>/dev/null || python3 -m pip install --quiet pandas boto3 python-dotenv

echo "building watt and gen-energy (release)"
cargo build --release --quiet -p watt -p watt-bench
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}/release"
WATT="$TARGET/watt"

BIG="$TMP/energy_${SIZE_MB}mb.csv"
SMALL="$TMP/energy_${SMALL_MB}mb.csv"
DOUBLE="$TMP/energy_$((2 * SIZE_MB))mb.csv"
[ -s "$BIG" ] || "$TARGET/gen-energy" --target-mb "$SIZE_MB" --seed 11 --out "$BIG"
[ -s "$DOUBLE" ] || "$TARGET/gen-energy" --target-mb "$((2 * SIZE_MB))" --seed 9 --out "$DOUBLE"
[ -s "$SMALL" ] || "$TARGET/gen-energy" --target-mb "$SMALL_MB" --seed 11 --out "$SMALL"

# shellcheck source=bench/ingest/seaweedfs.sh
source "$ROOT/bench/ingest/seaweedfs.sh"
WORK=$(mktemp -d "$TMP/run.XXXXXX")
trap 'weed_stop; rm -rf "$WORK"' EXIT
weed_start "$WORK"
echo "SeaweedFS at $ENDPOINT"
export WATT_PSEUDONYM_KEY=bench-pseudonym-key-0e4f1b2c3d4a5b6c7d8e9fa0b1c2d3e4
mkdir -p "$WORK/watt" "$WORK/pandas"

python3 - "$WORK/spec.json" <<PY
import json, os, platform, subprocess, sys
big, small, double = "$BIG", "$SMALL", "$DOUBLE"
rows = lambda p: sum(1 for _ in open(p, "rb")) - 1
meta = {
    "machine": {"cpus": os.cpu_count(), "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
                "platform": platform.platform()},
    "file": {"bytes": os.path.getsize(big), "rows": rows(big)},
    "small_file": {"bytes": os.path.getsize(small)},
    "double_file": {"bytes": os.path.getsize(double)},
    "store": "SeaweedFS " + subprocess.run(["weed", "version"], capture_output=True, text=True).stdout.split()[2] + " (weed mini) on 127.0.0.1",
    "watt": subprocess.run(["$WATT", "--version"], capture_output=True, text=True).stdout.strip(),
    "aws": subprocess.run(["aws", "--version"], capture_output=True, text=True).stdout.strip() or subprocess.run(["aws", "--version"], capture_output=True, text=True).stderr.strip(),
    "settings": "watt defaults: 16 MiB parts, 4 in flight, SSE-S3, CRC-64/NVME + SHA-256, HEAD check; aws s3 cp defaults (8 MiB parts, 10 concurrent requests)",
}
ep = "$ENDPOINT"
cases = [
    {"name": "watt ingest", "cwd": "$WORK/watt", "file_bytes": os.path.getsize(big),
     "what": "validate + minimise + upload (multipart) + HEAD + manifest",
     "cmd": ["$WATT", "ingest", big, "--bucket", "lake", "--endpoint-url", ep]},
    {"name": "watt ingest (small file)", "cwd": "$WORK/watt", "file_bytes": os.path.getsize(small),
     "what": "the same on a file 10x smaller: peak RSS must not grow with size",
     "cmd": ["$WATT", "ingest", small, "--bucket", "lake", "--endpoint-url", ep]},
    {"name": "watt ingest (file 2x larger)", "cwd": "$WORK/watt", "runs": 1, "file_bytes": os.path.getsize(double),
     "what": "the same on a file twice as large: peak RSS must not grow with size (budgets are full on both)",
     "cmd": ["$WATT", "ingest", double, "--bucket", "lake", "--endpoint-url", ep]},
    {"name": "watt ingest --dry-run", "cwd": "$WORK/watt", "file_bytes": os.path.getsize(big),
     "what": "validate + minimise only, no upload",
     "cmd": ["$WATT", "ingest", big, "--bucket", "lake", "--endpoint-url", ep, "--dry-run"]},
    {"name": "aws s3 cp", "file_bytes": os.path.getsize(big),
     "what": "upload of the source bytes alone (no validation, no minimisation)",
     "cmd": ["aws", "--endpoint-url", ep, "s3", "cp", big, "s3://lake/bench/aws/{i}.csv", "--only-show-errors"]},
    {"name": "pandas + boto3", "cwd": "$WORK/pandas", "runs": $PANDAS_RUNS, "file_bytes": os.path.getsize(big),
     "what": "the original flow: pandas.read_csv + column check + boto3 upload_file",
     "cmd": [sys.executable, "$ROOT/bench/ingest/ingest_data.py", "--source", big, "--bucket", "lake", "--endpoint-url", ep, "--region", "us-east-1"]},
]
json.dump({"runs": $RUNS, "meta": meta, "cases": cases}, open(sys.argv[1], "w"), indent=1)
PY

python3 "$ROOT/bench/ingest/measure.py" "$ROOT/bench/results/ingest.json" "$WORK/spec.json"
echo "results: bench/results/ingest.json"
