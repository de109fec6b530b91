#!/usr/bin/env bash
# The ingest fault campaigns of native/tests/ingest_faults.rs at full size: the S3 one
# (server kills, watt killed at random and at exact points around CompleteMultipartUpload,
# PutObject and the manifest's PUT, 503 bursts, a slow store, damaged bodies, rival
# writers) and the local lake one (watt killed at random and while its partial file is
# written, file size limits), ROUNDS rounds each, for each seed of SEEDS. CI runs the
# same tests at their default size (18 and 12 rounds, one seed).
#
#   bash bench/faults.sh                      # ROUNDS=90, SEEDS="1 2 3"
#   ROUNDS=180 SEEDS=7 bash bench/faults.sh
#
# Prints each campaign's tally and writes them to bench/results/faults.json. A campaign
# that finds a partial, overwritten or manifest-less object, an orphan upload or a partial
# file left behind fails (the test's assertion) and stops the script.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
ROUNDS=${ROUNDS:-90}
SEEDS=${SEEDS:-"1 2 3"}
RESULTS=${FAULT_RESULTS:-bench/results/faults.json}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

cargo test --quiet -p watt --test ingest_faults --no-run
lines=()
for seed in $SEEDS; do
  for campaign in a_fault_campaign a_local_lake_fault_campaign; do
    echo "seed $seed: $campaign, $ROUNDS rounds" >&2
    start=$(date +%s)
    WATT_FAULT_ROUNDS=$ROUNDS WATT_FAULT_SEED=$seed \
      cargo test --quiet -p watt --test ingest_faults -- --exact --nocapture --test-threads 1 \
      "$(grep -o "fn ${campaign}[a-z_]*" native/tests/ingest_faults.rs | head -1 | cut -c4-)" \
      >"$LOG" 2>&1 || { cat "$LOG"; exit 1; }
    tally=$(grep -m1 'fault campaign (seed' "$LOG")
    echo "  $tally ($(($(date +%s) - start)) s)" >&2
    lines+=("$(printf '{"campaign": "%s", "seed": %s, "rounds": %s, "seconds": %s, "tally": "%s"}' \
      "$campaign" "$seed" "$ROUNDS" "$(($(date +%s) - start))" "$tally")")
  done
done
{
  echo '{'
  echo "  \"commit\": \"$(git rev-parse --short HEAD)\","
  echo '  "note": "debug build (cargo test), s3s-fs on 127.0.0.1 behind the fault-injecting front of native/tests/support; 2 shared cores",'
  echo '  "runs": ['
  for i in "${!lines[@]}"; do
    sep=,; ((i == ${#lines[@]} - 1)) && sep=
    echo "    ${lines[$i]}$sep"
  done
  echo '  ]'
  echo '}'
} >"$RESULTS"
echo "wrote $RESULTS" >&2
