#!/usr/bin/env bash
# Quick start: build watt, make a pseudonymisation key if there is none, and ingest the
# bundled sample into the local lake (./datalake) — no cloud account needed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

cargo build --release -p watt
watt=target/release/watt

# The key is kept out of the repository (.watt/ is git-ignored) and apart from the data.
key=.watt/pseudonym.key
if [ -z "${WATT_PSEUDONYM_KEY:-}" ] && [ ! -f "$key" ]; then
  mkdir -p .watt && chmod 700 .watt
  "$watt" keygen -o "$key"
fi
key_args=()
[ -z "${WATT_PSEUDONYM_KEY:-}" ] && key_args=(--key-file "$key")

"$watt" ingest data/samples/sample_energy_consumption.csv "${key_args[@]}" "$@"

echo
echo "The minimised file and its manifest:"
find datalake -type f -newer "$watt" | sort | sed 's/^/  /'
echo "The run log: $(ls -t logs/ingestion_*.log | head -n 1)"
