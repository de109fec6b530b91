#!/usr/bin/env bash
# The security checks of watt, runnable offline on a clean checkout (`bash scripts/security.sh`;
# `bash .ci/run` calls it through scripts/test-all.sh). Each step says what it proves:
#
#   1. secrets    detect-secrets and ripsecrets over every file of the whole git history
#                 (every blob of every commit) and over the working tree. detect-secrets
#                 findings must all be audited false positives in .secrets.baseline;
#                 ripsecrets findings in .ripsecrets-audited (SHA-256 of the matched line).
#                 Matches are shown as file:line, never the matched text.
#   2. proof      the same scan on a scratch `git clone` under /tmp, where a fake watt key,
#                 a fake AWS key pair and a fake GitHub token (random, made at run time)
#                 are committed in a .env file and then deleted: both scanners must find
#                 them in the history, or the scan is blind and this step fails.
#   3. deny       cargo deny check licenses bans sources (deny.toml); advisories when the
#                 RustSec database can be fetched, otherwise skipped with a message (the
#                 GitHub workflow runs them).
#   4. clippy     the stricter lint set on the shipped code (watt-core, watt, watt-wasm).
#   5. fuzz       every cargo-fuzz target for FUZZ_SMOKE_SECONDS (default 20) after
#                 replaying its kept crash inputs (bench/fuzz.sh; nightly). SKIP_FUZZ=1
#                 skips it.
#
# The SBOM is made by scripts/sbom.sh (a release step, not a check).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> security: %s\n' "$*"; }
fail() {
  printf 'security: FAILED: %s\n' "$*" >&2
  exit 1
}

SCRATCH=$(mktemp -d /tmp/watt-security.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT

command -v detect-secrets >/dev/null ||
  python3 -m pip install --quiet --disable-pip-version-check detect-secrets
command -v ripsecrets >/dev/null || cargo install ripsecrets --locked --quiet
command -v cargo-deny >/dev/null || cargo install cargo-deny --locked --quiet

# Writes every blob ever committed in repository $1 under $2/<blob>/<path>: the history's
# files, each distinct content once, with its name (scanners look at extensions).
export_history() {
  local repo=$1 out=$2
  mkdir -p "$out"
  git -C "$repo" rev-list --objects --all |
    git -C "$repo" cat-file --batch-check='%(objecttype) %(objectname) %(rest)' |
    awk '$1 == "blob" && $3 != "" && !seen[$2]++ { $1 = ""; sub(/^ /, ""); print }' |
    while read -r sha path; do
      mkdir -p "$out/$sha/$(dirname "$path")"
      git -C "$repo" cat-file blob "$sha" >"$out/$sha/$path"
    done
}

# Copies the working tree of repository $1 (tracked and untracked files that are not
# ignored: what the next commit can hold) to $2.
export_tree() {
  local repo=$1 out=$2
  mkdir -p "$out"
  (cd "$repo" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 -r sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh |
    xargs -0 -r cp --parents -t "$out")
}

# Secrets detect-secrets finds in directory $1, minus the audited false positives of
# .secrets.baseline (matched by the hash of the secret, so a moved test vector stays
# audited). Prints "file:line: type" lines. The baseline itself (hashes of the audited
# strings) is not scanned, as detect-secrets' own hook does not scan it.
detect_secrets_new() {
  (cd "$1" && detect-secrets scan --all-files --exclude-files '(^|/)(\.secrets\.baseline|\.ripsecrets-audited)$' .) |
    python3 -c '
import json, sys
baseline = json.load(open(sys.argv[1]))
audited = {s["hashed_secret"] for found in baseline["results"].values() for s in found
           if s.get("is_secret") is False}
scan = json.load(sys.stdin)
for path, found in sorted(scan["results"].items()):
    for s in found:
        if s["hashed_secret"] not in audited:
            print(path + ":" + str(s["line_number"]) + ": " + s["type"])
' "$ROOT/.secrets.baseline"
}

# What ripsecrets finds in directory $1, every file named explicitly (so hidden files such
# as .env are read too), the baseline excepted, minus the audited lines of
# .ripsecrets-audited. Prints "file:line" only: ripsecrets prints the matched line, which is
# the secret.
ripsecrets_found() {
  (cd "$1" && find . -type f ! -name .secrets.baseline ! -name .ripsecrets-audited -printf '%P\0' | xargs -0 -r ripsecrets || true) |
    python3 -c '
import hashlib, sys
audited = {line.split()[0] for line in open(sys.argv[1]) if line.strip() and not line.startswith("#")}
for found in sys.stdin:
    where, _, text = found.rstrip("\n").partition(":")
    number, _, text = text.partition(":")
    if hashlib.sha256(text.encode()).hexdigest() not in audited:
        print(where + ":" + number + ": (matched text hidden)")
' "$ROOT/.ripsecrets-audited"
}

# Scans repository $1: its whole history (exported to $2/history) and, when $3 is "tree",
# its working tree (copied to $2/tree). Prints the findings of both scanners; history
# paths are <blob>/<path>.
scan_repository() {
  local repo=$1 work=$2 tree=${3:-}
  export_history "$repo" "$work/history"
  echo "    history: $(git -C "$repo" rev-list --all | wc -l) commits, $(find "$work/history" -type f | wc -l) distinct files" >&2
  detect_secrets_new "$work/history" | sed 's/^/detect-secrets: history: /'
  ripsecrets_found "$work/history" | sed 's/^/ripsecrets: history: /'
  if [ "$tree" = tree ]; then
    export_tree "$repo" "$work/tree"
    echo "    working tree: $(find "$work/tree" -type f | wc -l) files (tracked or not ignored)" >&2
    detect_secrets_new "$work/tree" | sed 's/^/detect-secrets: tree: /'
    ripsecrets_found "$work/tree" | sed 's/^/ripsecrets: tree: /'
  fi
}

step "secrets: detect-secrets $(detect-secrets --version) and $(ripsecrets --version) over the whole history and the working tree"
found=$(scan_repository "$ROOT" "$SCRATCH/main" tree)
if [ -n "$found" ]; then
  printf '%s\n' "$found" >&2
  fail "secrets found (history paths are <blob>/<path>; audit false positives into .secrets.baseline with 'detect-secrets audit')"
fi
echo "    nothing found ($(python3 -c 'import json,sys; print(sum(len(v) for v in json.load(open(sys.argv[1]))["results"].values()))' .secrets.baseline) audited test vectors in .secrets.baseline)"

step "proof: a planted secret in a scratch clone's history is found"
clone=$SCRATCH/clone
git clone --quiet --no-local "$ROOT" "$clone"
rand() { python3 -c "import secrets, string, sys; print(''.join(secrets.choice(sys.argv[1]) for _ in range(int(sys.argv[2]))))" "$1" "$2"; }
upper_digits=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567
alnum=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789
{
  # Made here, at random: nothing that looks like a key is written in this script.
  echo "WATT_PSEUDONYM_KEY=$(rand 0123456789abcdef 64)"
  echo "AWS_ACCESS_KEY_ID=AKIA$(rand "$upper_digits" 16)"
  echo "AWS_SECRET_ACCESS_KEY=$(rand "$alnum/+" 40)"
  echo "GITHUB_TOKEN=ghp_$(rand "$alnum" 36)"
} >"$clone/.env"
git -C "$clone" add -f .env
git -C "$clone" -c user.name=security-check -c user.email=security@watt.invalid \
  commit --quiet -m "planted: a .env with keys (scratch copy only)"
git -C "$clone" rm --quiet .env
git -C "$clone" -c user.name=security-check -c user.email=security@watt.invalid \
  commit --quiet -m "planted: the .env removed, still in history"
planted=$(scan_repository "$clone" "$SCRATCH/planted")
printf '%s\n' "$planted" | sed 's/^/    /'
planted_env=$(printf '%s\n' "$planted" | grep '/\.env:' || true)
grep -q '^detect-secrets: ' <<<"$planted_env" || fail "detect-secrets did not find the planted .env: the scan is blind"
grep -q '^ripsecrets: ' <<<"$planted_env" || fail "ripsecrets did not find the planted .env: the scan is blind"
[ "$(grep -c '^ripsecrets: ' <<<"$planted_env")" -ge 3 ] ||
  fail "ripsecrets found fewer than 3 of the 4 planted lines"
echo "    both scanners found the planted .env in the history of the scratch clone (deleted from its tree)"
rm -rf "$clone" "$SCRATCH/planted"

step "dependencies: cargo deny check licenses bans sources"
cargo deny check --hide-inclusion-graph licenses bans sources 2>&1 |
  grep -vE '^\s*(\||=|[0-9]+ │|│)' | grep -E 'error|^(advisories|bans|licenses|sources)' || true
cargo deny check --hide-inclusion-graph licenses bans sources >/dev/null 2>&1 ||
  fail "cargo deny check licenses bans sources (run it to see why)"

step "dependencies: cargo deny check advisories"
if timeout 120 cargo deny fetch db >"$SCRATCH/fetch.log" 2>&1; then
  cargo deny check --hide-inclusion-graph --disable-fetch advisories ||
    fail "cargo deny check advisories"
else
  reason=$(grep -oE 'Could not resolve host: [^ ]+|timed out|Connection refused' "$SCRATCH/fetch.log" | head -1 || true)
  echo "    SKIPPED: the RustSec advisory database (https://github.com/rustsec/advisory-db)"
  echo "    cannot be fetched from this machine (${reason:-$(tail -1 "$SCRATCH/fetch.log" | cut -c1-120)})."
  echo "    Advisories are checked by .github/workflows/ci-security.yml on every push and daily."
fi

# The stricter lints, on the shipped code only (tests may unwrap and panic). Proposed for
# [workspace.lints.clippy] in the root Cargo.toml; see docs/rgpd.md, "How to verify".
STRICT_LINTS=(
  -D warnings
  -D clippy::unwrap_used           # no unwrap: errors are values
  -D clippy::panic                 # no panic! on any path
  -D clippy::todo -D clippy::unimplemented -D clippy::dbg_macro
  -D clippy::exit                  # exit codes go through main
  -D clippy::mem_forget            # keys are wiped on drop: never forget them
  -D clippy::get_unwrap -D clippy::unwrap_in_result -D clippy::panic_in_result_fn
  -D clippy::fallible_impl_from    # a From that can panic is a hidden unwrap
  -D clippy::large_stack_arrays
  -D clippy::lossy_float_literal
  -D clippy::undocumented_unsafe_blocks -D clippy::multiple_unsafe_ops_per_block
)
step "clippy: stricter lints on watt-core, watt and watt-wasm"
printf '    %s\n' "$(printf '%s ' "${STRICT_LINTS[@]}")"
cargo clippy --quiet -p watt-core -p watt -p watt-wasm --lib --bins -- "${STRICT_LINTS[@]}" ||
  fail "clippy with the stricter lints"
echo "    clean (and unsafe_code = \"forbid\" for the whole workspace)"

if [ "${SKIP_FUZZ:-0}" = 1 ]; then
  step "fuzz smoke: SKIPPED (SKIP_FUZZ=1)"
else
  step "fuzz smoke: each target for ${FUZZ_SMOKE_SECONDS:-20}s after replaying its kept crashes"
  FUZZ_RESULTS=$SCRATCH/fuzz.json bash bench/fuzz.sh "${FUZZ_SMOKE_SECONDS:-20}" ||
    fail "a fuzz target crashed (input in fuzz/artifacts/)"
fi

step "all security checks passed"
