#!/usr/bin/env bash
# Peak memory of `watt minimise` and `watt ingest` on 100 MB of invalid short rows (the
# energy header, then `1` on every line: 50 million rows, each missing 11 of its 12 cells)
# next to their peak memory on 100 MB of valid rows (gen-energy). Memory must not grow with
# the number of findings: the ratio invalid / valid is reported (target ≤ 1.2, not gated).
#
# `watt minimise` reads invalid data to its end (its report counts every finding, as the
# browser's does), and with `--allow-invalid` also writes it; `watt ingest` stops reading at
# the chunk after the first finding (invalid data is never stored).
#
# Peak RSS from /usr/bin/time -v, one run each (RUNS=n for the lowest of n), release build.
# Writes bench/results/memory-invalid.json.
#
#   bash bench/memory-invalid.sh            # uses $CARGO_TARGET_DIR or ./target
#   SIZE_MB=20 bash bench/memory-invalid.sh # smaller files
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"  # paths below (and in the JSON) are relative to the repository
target=${CARGO_TARGET_DIR:-$root/target}
results=bench/results
tmp=$results/tmp/memory
schema=data/schemas/energy_consumption.schema.json
size_mb=${SIZE_MB:-100}
runs=${RUNS:-1}
valid=$tmp/valid_${size_mb}mb.csv
invalid=$tmp/invalid_${size_mb}mb.csv

cargo build --release --quiet -p watt -p watt-bench
watt=$target/release/watt
mkdir -p "$tmp"

if [[ ! -s $valid ]]; then
  echo "generating $valid"
  "$target/release/gen-energy" --target-mb "$size_mb" --meters 1000 --seed 7 --out "$valid.part"
  mv "$valid.part" "$valid"
fi
if [[ ! -s $invalid ]]; then
  echo "generating $invalid"
  rows=$(((size_mb * 1000000 - $(head -n 1 "$valid" | wc -c)) / 2))
  # `yes` ends on the broken pipe once `head` has its rows.
  { head -n 1 "$valid"; yes 1 | head -n "$rows" || true; } >"$invalid.part"
  mv "$invalid.part" "$invalid"
fi

work=$(mktemp -d "$tmp/run.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The benchmark key: not a secret, the outputs are thrown away.
export WATT_PSEUDONYM_KEY="watt-bench memory key, not a secret: 0123456789"
unset DATA_LAKE_BUCKET DATA_LAKE_DIR DATA_LAKE_PREFIX

# run NAME FILE ARGS...: the lowest peak RSS of $runs runs, in $work/NAME.time.
run() {
  local name=$1 file=$2
  shift 2
  local best=
  for _ in $(seq "$runs"); do
    rm -rf "$work/lake" "$work/logs"
    set +e
    /usr/bin/time -v -o "$work/$name.try" "$watt" "$@" >/dev/null 2>"$work/$name.stderr"
    local code=$?
    set -e
    local rss
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.try")
    if [[ -z $best || $rss -lt $best ]]; then
      best=$rss
      cp "$work/$name.try" "$work/$name.time"
      echo "$code" >"$work/$name.code"
      # What was read: the verdict line of the report on stderr.
      grep -m1 -E '^(valid|invalid):' "$work/$name.stderr" >"$work/$name.verdict" || true
    fi
  done
  printf '%-34s %8s KiB  exit %s  %s\n' "$name" "$best" "$(cat "$work/$name.code")" \
    "$(cat "$work/$name.verdict")"
}

for kind in valid invalid; do
  file=${!kind}
  run "minimise $kind" "$file" minimise "$file" --schema "$schema" -o -
  run "minimise --allow-invalid $kind" "$file" minimise "$file" --schema "$schema" -o - --allow-invalid
  run "ingest $kind" "$file" ingest "$file" --schema "$schema" --lake "$work/lake" --log-dir "$work/logs"
done

python3 - "$work" "$results/memory-invalid.json" "$valid" "$invalid" "$watt" <<'PY'
import json, os, platform, subprocess, sys
work, out, valid, invalid, watt = sys.argv[1:]

def measured(name):
    fields = {}
    for line in open(os.path.join(work, name + ".time")):
        key, _, value = line.strip().rpartition(": ")
        fields[key] = value
    h, m, s = (["0", "0"] + fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"))[-3:]
    return {
        "peak_rss_kib": int(fields["Maximum resident set size (kbytes)"]),
        "wall_s": round(int(h) * 3600 + int(m) * 60 + float(s), 2),
        "exit": int(open(os.path.join(work, name + ".code")).read()),
        "report": open(os.path.join(work, name + ".verdict")).read().strip(),
    }

commands = ["minimise", "minimise --allow-invalid", "ingest"]
rows = []
for c in commands:
    v, i = measured(f"{c} valid"), measured(f"{c} invalid")
    rows.append({"command": f"watt {c}", "valid": v, "invalid": i,
                 "ratio": round(i["peak_rss_kib"] / v["peak_rss_kib"], 2)})
doc = {
    "what": "peak RSS of watt on 100 MB of invalid short rows ('1' per line under the energy header) vs 100 MB of valid rows (gen-energy --seed 7)",
    "target": "ratio invalid / valid <= 1.2 (reported, not gated)",
    "machine": {"cpus": os.cpu_count(),
                "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
                "platform": platform.platform()},
    "watt": subprocess.run([watt, "--version"], capture_output=True, text=True).stdout.strip(),
    "files": {"valid": {"path": valid, "bytes": os.path.getsize(valid)},
              "invalid": {"path": invalid, "bytes": os.path.getsize(invalid)}},
    "notes": [
        "minimise reads and minimises the whole invalid file (50 million rows, 600 million findings counted, the first 1000 kept), and with --allow-invalid writes it",
        "ingest stops reading invalid data at the chunk after its first finding: its invalid run reads 1 MiB",
        "before issue 17 (as the issue reports it): 1.35 GiB for minimise and 1.45 GiB for ingest on such a file; 480 MB for minimise on 6 MB of it (debug build)",
        "minimise writes to standard output (thrown away); ingest writes to a local lake",
    ],
    "runs": rows,
}
with open(out, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
for r in rows:
    print(f"{r['command']:<34} valid {r['valid']['peak_rss_kib']:>8} KiB  invalid {r['invalid']['peak_rss_kib']:>8} KiB  ratio {r['ratio']}")
PY
echo "wrote $results/memory-invalid.json"
