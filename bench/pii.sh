#!/usr/bin/env bash
# Precision and recall of the PII detectors (watt_core::pii::detect) on a generated labelled
# corpus: builds watt-bench in release, runs pii-eval on 20 000 French snippets with
# --check (exit 1 when nir, iban, siret, siren or card has precision < 0.99 or
# recall < 0.95), prints the table and the error patterns, writes bench/results/pii.json.
#
#   bash bench/pii.sh                 # uses $CARGO_TARGET_DIR or ./target
#   ITEMS=2000 SEED=7 bash bench/pii.sh
#   bash bench/pii.sh --corpus bench/results/tmp/pii-corpus.jsonl   # extra pii-eval options
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"  # paths below are relative to the repository
target=${CARGO_TARGET_DIR:-$root/target}

cargo build --release -p watt-bench --bin pii-eval
mkdir -p bench/results
"$target/release/pii-eval" --items "${ITEMS:-20000}" --seed "${SEED:-1}" \
  --json bench/results/pii.json --check "$@"
