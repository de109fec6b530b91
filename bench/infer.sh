#!/usr/bin/env bash
# `watt schema infer` on a whole file: wall time and peak RSS on 20 MB and on 100 MB of
# valid rows (gen-energy --seed 7; override with SIZES_MB), then `watt check` of each file
# against its own draft, which must pass (exit 0). Memory must not grow with the file:
# inference keeps a bounded summary per column (see core/src/infer/column.rs), so the
# peak RSS of the two sizes should be about the same. One run each, release build.
# Writes bench/results/infer.json.
#
#   bash bench/infer.sh                 # uses $CARGO_TARGET_DIR or ./target
#   SIZES_MB="5 20" bash bench/infer.sh # other sizes
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"  # paths below (and in the JSON) are relative to the repository
target=${CARGO_TARGET_DIR:-$root/target}
results=bench/results
tmp=$results/tmp/infer
sizes=${SIZES_MB:-20 100}

cargo build --release --quiet -p watt -p watt-bench
watt=$target/release/watt
mkdir -p "$tmp"
work=$(mktemp -d "$tmp/run.XXXXXX")
trap 'rm -rf "$work"' EXIT

rows=()
for mb in $sizes; do
  data=$tmp/energy_${mb}mb_seed7.csv
  if [[ ! -s $data ]]; then
    echo "generating $data"
    "$target/release/gen-energy" --target-mb "$mb" --meters 1000 --seed 7 --out "$data.part"
    mv "$data.part" "$data"
  fi
  /usr/bin/time -v -o "$work/infer-$mb.time" "$watt" schema infer "$data" -o "$work/draft-$mb.json" \
    2>"$work/infer-$mb.stderr"
  set +e
  /usr/bin/time -v -o "$work/check-$mb.time" "$watt" check "$data" --schema "$work/draft-$mb.json" \
    >"$work/check-$mb.out"
  echo $? >"$work/check-$mb.code"
  set -e
  printf '%4s MB: infer %s KiB, %s; check against the draft: exit %s\n' "$mb" \
    "$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/infer-$mb.time")" \
    "$(awk -F': ' '/Elapsed/ {print $2}' "$work/infer-$mb.time")" "$(cat "$work/check-$mb.code")"
  rows+=("$mb:$data")
done

python3 - "$work" "$results/infer.json" "$watt" "${rows[@]}" <<'PY'
import json, os, platform, subprocess, sys
work, out, watt, *rows = sys.argv[1:]

def measured(name):
    fields = {}
    for line in open(os.path.join(work, name + ".time")):
        key, _, value = line.strip().rpartition(": ")
        fields[key] = value
    h, m, s = (["0", "0"] + fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"))[-3:]
    return {"peak_rss_kib": int(fields["Maximum resident set size (kbytes)"]),
            "wall_s": round(int(h) * 3600 + int(m) * 60 + float(s), 2)}

runs = []
for row in rows:
    mb, path = row.split(":", 1)
    size = os.path.getsize(path)
    infer = measured(f"infer-{mb}")
    infer["mb_per_s"] = round(size / 1e6 / max(infer["wall_s"], 0.01), 1)
    runs.append({"file": {"path": path, "bytes": size},
                 "schema_infer": infer,
                 "check_against_its_draft": {**measured(f"check-{mb}"),
                                             "exit": int(open(os.path.join(work, f"check-{mb}.code")).read())}})
doc = {
    "what": "watt schema infer reading the whole file (gen-energy --seed 7), then watt check of the file against its draft",
    "target": "check exit 0 (the file passes its own draft); peak RSS flat in the file size (reported, not gated)",
    "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
    "watt": subprocess.run([watt, "--version"], capture_output=True, text=True).stdout.strip(),
    "runs": runs,
}
with open(out, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
print(f"wrote {out}")
PY
