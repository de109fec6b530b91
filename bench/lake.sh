#!/usr/bin/env bash
# `watt lake` on a local lake of >= 1 GB of minimised objects (OBJECTS objects, made by
# `watt ingest` from gen-energy files): the throughput of `watt lake find` (every object
# read and searched) in MB/s, next to `watt check` of the same bytes (the objects end to end,
# one header) against a schema of their columns; then the wall time of `watt lake erase`
# of a person planted in 1 % of the objects (each of those rewritten, read back, switched,
# the old one deleted). The lake is ingested in two halves under two prefixes
# (bench/a, bench/b): `find` over one half next to the whole shows that memory does not
# grow with the lake (it is bounded by --jobs). Release build; best of RUNS for find and
# check, one erase. Writes bench/results/lake.json.
#
#   bash bench/lake.sh                  # OBJECTS=100, each ~11 MB once minimised (1 % = 1)
#   OBJECTS=200 MB_EACH=12 bash bench/lake.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-$root/target}
results=bench/results
objects=${OBJECTS:-100}
mb_each=${MB_EACH:-16}
runs=${RUNS:-3}
planted=$(( objects / 100 > 0 ? objects / 100 : 1 ))

cargo build --release --quiet -p watt -p watt-bench --bin watt --bin gen-energy
watt=$target/release/watt
work=$(mktemp -d "${TMPDIR:-/tmp}/watt-bench-lake.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export WATT_PSEUDONYM_KEY=watt-bench-lake-key-1f2e3d4c5b6a79880796a5b4c3d2e1f0
prm=96472437173461

echo "generating $objects files of $mb_each MB; the person planted in $planted" >&2
mkdir -p raw/a raw/b
half=$(( objects / 2 ))
for i in $(seq 1 "$objects"); do
  day=$(( (i - 1) % 28 + 1 ))
  part=a; (( i > half )) && part=b
  "$target/release/gen-energy" --target-mb "$mb_each" --meters 1000 --seed "$i" \
    --start "2024-02-$(printf %02d "$day")T00:00" --out "raw/$part/part_$(printf %04d "$i").csv" 2>/dev/null
done
# The person: the sample's 8 rows of one meter, in the first $planted files.
grep "^$prm," "$root/data/samples/sample_energy_consumption.csv" >person.rows
for i in $(seq 1 "$planted"); do
  cat person.rows >>"raw/a/part_$(printf %04d "$i").csv"
done
raw_bytes=$(du -cb raw/*/*.csv | tail -1 | cut -f1)

echo "ingesting into the local lake" >&2
start=$(date +%s.%N)
for part in a b; do
  "$watt" ingest "raw/$part/" --lake lake --prefix "bench/$part" --jobs 2 2>ingest.stderr \
    || { tail -20 ingest.stderr; exit 1; }
done
ingest_s=$(echo "$(date +%s.%N) - $start" | bc)
rm -rf raw
lake_bytes=$(find lake -name '*.csv' -printf '%s\n' | awk '{s += $1} END {print s}')
lake_objects=$(find lake -name '*.csv' | wc -l)
echo "lake: $lake_objects objects, $lake_bytes bytes" >&2

# The same bytes for watt check: the objects end to end, one header.
first=1
for f in $(find lake -name '*.csv' | sort); do
  if ((first)); then cat "$f"; first=0; else tail -n +2 "$f"; fi
done >all.csv
cat >minimised.schema.json <<'JSON'
{"fields": [
  {"name": "prm", "type": "string", "constraints": {"required": true, "pattern": "[0-9a-f]{32}"}},
  {"name": "customer_id", "type": "string", "constraints": {"required": true, "pattern": "[0-9a-f]{32}"}},
  {"name": "postcode", "type": "string", "constraints": {"required": true, "pattern": "[0-9]{2}"}},
  {"name": "timestamp", "type": "datetime", "constraints": {"required": true}},
  {"name": "kwh", "type": "number", "constraints": {"required": true, "minimum": 0}},
  {"name": "contract_type", "type": "string", "constraints": {"enum": ["BASE", "HPHC", "TEMPO", "EJP"]}},
  {"name": "comment", "type": "string"}
]}
JSON

measure() { # name, then the command: appends "name wall_s rss_kib exit" to runs.txt
  local name=$1; shift
  set +e
  /usr/bin/time -f '%e %M' -o time.txt "$@" >"$name.out" 2>"$name.err"
  local code=$?
  set -e
  echo "$name $(cat time.txt) $code" >>runs.txt
  echo "  $name: $(cat time.txt | awk '{print $1 " s, " $2 " KiB"}'), exit $code" >&2
}
: >runs.txt
lake=(--lake lake --prefix bench)
for r in $(seq 1 "$runs"); do
  measure find "$watt" lake find --field prm "$prm" "${lake[@]}"
  measure check "$watt" check all.csv --schema minimised.schema.json
done
measure find_half "$watt" lake find --field prm "$prm" --lake lake --prefix bench/a
measure find_jobs1 "$watt" lake find --field prm "$prm" "${lake[@]}" --jobs 1
measure erase_dry_run "$watt" lake erase --field prm "$prm" --request-id BENCH-1 "${lake[@]}" --dry-run
measure erase "$watt" lake erase --field prm "$prm" --request-id BENCH-1 "${lake[@]}"
grep -q "erased 8 row(s)" erase.out || { cat erase.out erase.err; exit 1; }
measure find_after "$watt" lake find --field prm "$prm" "${lake[@]}"
grep -q "^watt lake find: 0 row(s)" find_after.out || { cat find_after.out; exit 1; }

python3 - "$root/$results/lake.json" "$watt" "$lake_bytes" "$lake_objects" "$raw_bytes" \
  "$ingest_s" "$planted" "$(wc -c <all.csv)" <<'PY'
import json, os, platform, subprocess, sys
out, watt, lake_bytes, objects, raw_bytes, ingest_s, planted, check_bytes = sys.argv[1:]
lake_bytes, objects, raw_bytes, planted, check_bytes = map(int, (lake_bytes, objects, raw_bytes, planted, check_bytes))
runs = {}
for line in open("runs.txt"):
    name, wall, rss, code = line.split()
    runs.setdefault(name, []).append({"wall_s": float(wall), "peak_rss_kib": int(rss), "exit": int(code)})
def best(name, size):
    r = min(runs[name], key=lambda x: x["wall_s"])
    return {"wall_s": [x["wall_s"] for x in runs[name]], "best_wall_s": r["wall_s"],
            "mb_per_s": round(size / 1e6 / max(r["wall_s"], 0.01), 1),
            "peak_rss_mib": round(max(x["peak_rss_kib"] for x in runs[name]) / 1024, 1),
            "exit": sorted({x["exit"] for x in runs[name]})}
doc = {
    "what": "watt lake find over a local lake of minimised objects (made by watt ingest from gen-energy files, in two halves under two prefixes), next to watt check of the same bytes end to end; watt lake erase of a person planted in 1 % of the objects",
    "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
    "watt": subprocess.run([watt, "--version"], capture_output=True, text=True).stdout.strip(),
    "lake": {"objects": objects, "bytes": lake_bytes, "raw_bytes_ingested": raw_bytes,
             "ingest_wall_s": round(float(ingest_s), 1)},
    "results": {
        "watt lake find (every object searched, --jobs 4)": best("find", lake_bytes),
        "watt lake find (half the lake, --jobs 4)": best("find_half", lake_bytes // 2),
        "watt lake find (every object, --jobs 1)": best("find_jobs1", lake_bytes),
        "watt check (the same bytes, one file)": best("check", check_bytes),
        "watt lake erase --dry-run (the search of an erasure)": best("erase_dry_run", lake_bytes),
        "watt lake erase": {**best("erase", lake_bytes), "objects_rewritten": planted,
                            "objects_rewritten_percent": round(100 * planted / objects, 2)},
    },
}
with open(out, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
print(f"wrote {out}")
PY
