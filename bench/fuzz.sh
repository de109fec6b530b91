#!/usr/bin/env bash
# Fuzzes watt-core with cargo-fuzz (libFuzzer, nightly): each target for SECONDS, one after
# the other, one core each, then prints libFuzzer's final stats (executions, corpus) and
# records them in bench/results/fuzz.json.
#
#   bash bench/fuzz.sh                 # every target, 600 s each (the issue's 10 minutes)
#   bash bench/fuzz.sh 30 check pii    # two targets, 30 s each (the CI smoke)
#
# Targets (fuzz/fuzz_targets/): check, minimise, schema, pii. Before fuzzing, each target
# replays its kept crash inputs (fuzz/regressions/<target>/), so a fixed crash stays fixed.
# Seeds come from data/fixtures, data/samples and data/schemas, copied into
# fuzz/corpus/<target>/ (not committed; the corpus grows from run to run). A crash stops
# the run with exit 1 and leaves the input in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(check minimise schema pii)
# A target dir of its own: the fuzz build (nightly, sanitizer flags) shares nothing with
# the stable one.
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-$PWD/target/fuzz}
RESULTS=${FUZZ_RESULTS:-bench/results/fuzz.json}
# No sanitizer by default: watt-core forbids `unsafe`, so what fuzzing finds is panics,
# hangs and broken invariants, which need no AddressSanitizer — and without it the
# checker runs twice as many inputs per second. FUZZ_SANITIZER=address to use it.
SANITIZER=${FUZZ_SANITIZER:-none}
FUZZ_FLAGS=(--release --debug-assertions --sanitizer "$SANITIZER")
LOGS=$CARGO_TARGET_DIR/fuzz-logs

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal

# Seeds: every fixture, the first 4 KiB (whole lines) of each sample, the schemas; for the
# detectors, the sample's free-text comments one per file.
seed() {
  local target=$1 dir=fuzz/corpus/$1
  mkdir -p "$dir"
  case $target in
    check | minimise)
      cp data/fixtures/*.csv "$dir/"
      for f in data/samples/*.csv; do
        head -c 4096 "$f" | sed '$d' >"$dir/$(basename "$f" .csv).head.csv"
      done
      ;;
    schema)
      cp data/schemas/*.json data/fixtures/fixtures.schema.json "$dir/"
      ;;
    pii)
      # The comment column (last) of the sample: real-looking free text with planted items.
      python3 - "$dir" <<'PY'
import csv, hashlib, pathlib, sys
out = pathlib.Path(sys.argv[1])
with open("data/samples/sample_energy_consumption.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        text = row.get("comment") or ""
        if text:
            (out / hashlib.sha1(text.encode()).hexdigest()[:16]).write_text(text, encoding="utf-8")
PY
      cp data/fixtures/valid.csv "$dir/"
      ;;
  esac
}

# libFuzzer options: one process, one core; -timeout flags any input taking over 10 s
# (a hang is a bug); -max_len bounds inputs so time goes to shapes, not sizes (the 1 MB
# field is covered by native/tests/bad_input.rs).
max_len() {
  case $1 in
    check | minimise) echo 16384 ;;
    schema) echo 8192 ;;
    pii) echo 4096 ;;
  esac
}

# What is fuzzed: the commit, and whether core/ had uncommitted changes, when it was built.
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
CORE_DIRTY=$(git diff --quiet HEAD -- core 2>/dev/null && echo false || echo true)
echo "==> building the fuzz targets (nightly, debug assertions, sanitizer: $SANITIZER)"
cargo +nightly fuzz build "${FUZZ_FLAGS[@]}" 2>&1 | tail -1

mkdir -p "$(dirname "$RESULTS")" "$LOGS"
status=0
entries=()
for t in "${TARGETS[@]}"; do
  seed "$t"
  if compgen -G "fuzz/regressions/$t/*" >/dev/null; then
    echo "==> $t: replaying $(ls fuzz/regressions/$t | wc -l) kept crash input(s)"
    cargo +nightly fuzz run "${FUZZ_FLAGS[@]}" "$t" "fuzz/regressions/$t" -- -runs=0 2>&1 | tail -1
  fi
  log=$LOGS/$t.log
  echo "==> $t: fuzzing for ${SECONDS_EACH}s (log: $log)"
  set +e
  cargo +nightly fuzz run "${FUZZ_FLAGS[@]}" "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$t")" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  corpus=$(ls "fuzz/corpus/$t" | wc -l)
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
  if ((rc != 0)); then
    status=1
    echo "    CRASH (exit $rc): see $log and fuzz/artifacts/$t/"
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY' "$log" | head -5 || true
  fi
  echo "    ${done_line:-no final line}; executions: ${execs:-?}; corpus: $corpus files; peak RSS: ${peak:-?} MB"
  entries+=("$(printf '{"target": "%s", "seconds": %s, "executions": %s, "corpus": %s, "peakRssMb": %s, "crashed": %s}' \
    "$t" "$SECONDS_EACH" "${execs:-null}" "$corpus" "${peak:-null}" "$([ $rc -eq 0 ] && echo false || echo true)")")
done

{
  echo "{"
  echo "  \"commit\": \"$COMMIT\","
  echo "  \"uncommittedCoreChanges\": $CORE_DIRTY,"
  echo "  \"sanitizer\": \"$SANITIZER\","
  echo "  \"tool\": \"cargo-fuzz $(cargo fuzz --version 2>/dev/null | awk '{print $2}'), $(rustc +nightly --version)\","
  echo "  \"runs\": ["
  for i in "${!entries[@]}"; do
    sep=$([ "$i" -lt $((${#entries[@]} - 1)) ] && echo , || true)
    echo "    ${entries[$i]}$sep"
  done
  echo "  ]"
  echo "}"
} >"$RESULTS"
echo "==> stats in $RESULTS"
exit $status
