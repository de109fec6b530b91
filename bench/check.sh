#!/usr/bin/env bash
# Throughput check: builds watt-bench in release, generates a ≥ 100 MB energy file once
# (bench/results/tmp/, git-ignored), measures the floor (bare csv read), the checker and the
# minimiser in-process, times the `watt check` and `watt minimise` commands
# when the CLI is built, prints the table and writes bench/results/check.json.
#
#   bash bench/check.sh            # uses $CARGO_TARGET_DIR or ./target
#   REGEN=1 bash bench/check.sh    # regenerate the data file (after a generator change)
#   RUNS=5 bash bench/check.sh     # best of 5 runs instead of 3
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"  # paths below (and in check.json) are relative to the repository
target=${CARGO_TARGET_DIR:-$root/target}
results=bench/results
tmp=$results/tmp
schema=data/schemas/energy_consumption.schema.json
data=$tmp/energy_110mb_seed7.csv
runs=${RUNS:-3}

cargo build --release -p watt-bench
mkdir -p "$tmp"

if [[ ! -s $data || ${REGEN:-0} == 1 ]]; then
  echo "generating $data"
  "$target/release/gen-energy" --target-mb 110 --meters 1000 --seed 7 --out "$data.part"
  mv "$data.part" "$data"
fi

time_args=()
watt=${WATT_BIN:-$target/release/watt}
[[ -x $watt ]] || watt=$root/target/release/watt
if [[ -x $watt ]]; then
  # One run of each under /usr/bin/time for the peak memory; their speed is measured by
  # `throughput --watt`, in turns with the other passes.
  echo "peak memory of $watt check and $watt minimise"
  /usr/bin/time -v -o "$tmp/watt-check.time" \
    "$watt" check "$data" --schema "$schema" --format json >/dev/null
  # The benchmark key: not a secret, the output is thrown away.
  WATT_PSEUDONYM_KEY="watt-bench throughput key, not a secret: 0123456789" \
    /usr/bin/time -v -o "$tmp/watt-minimise.time" \
    "$watt" minimise "$data" --schema "$schema" -o - >/dev/null 2>/dev/null
  time_args=(--watt "$watt"
    --time-v "$tmp/watt-check.time" --time-v-label "watt check --format json"
    --time-v "$tmp/watt-minimise.time" --time-v-label "watt minimise -o - (to /dev/null)")
else
  echo "no watt binary (build it with: cargo build --release -p watt); skipping the CLI timing"
fi

"$target/release/throughput" "$data" --schema "$schema" --runs "$runs" \
  --json "$results/check.json" "${time_args[@]}"
echo "wrote $results/check.json"
