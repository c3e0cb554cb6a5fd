#!/usr/bin/env bash
# Fuzz every target for a bounded time: scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Not part of CI (it needs cargo-fuzz and minutes of CPU). Works on a stable
# toolchain through RUSTC_BOOTSTRAP=1, which lets cargo-fuzz pass its -Z flags.
# Each target starts from the checked-in seeds (fuzz/seeds/<target>) plus the corpus
# it grew on earlier runs (fuzz/corpus/<target>, not checked in). A crash leaves its
# input in fuzz/artifacts/<target>/; once fixed, copy it to
# tests/fixtures/fuzz/<target>/ with a regression test (see fuzz/README.md).
#
# SANITIZER=none skips AddressSanitizer (faster; the crate has no unsafe code to
# speak of). CARGO_BUILD_JOBS caps the build's parallelism; each run is one process.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
all=(phone email username duration config csv_row code_input)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi
sanitizer="${SANITIZER:-address}"
export RUSTC_BOOTSTRAP=1

if ! command -v cargo-fuzz >/dev/null; then
    echo "fuzz.sh: cargo-fuzz is missing; install it with: cargo install cargo-fuzz" >&2
    exit 2
fi

cd fuzz
cargo fuzz build --sanitizer "$sanitizer" || exit 2

log_dir="$(mktemp -d)"
failed=()
printf '%-11s %8s %12s %s\n' target seconds execs result
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    log="$log_dir/$t.log"
    # -timeout: one input taking longer than 10 s is a hang worth reporting.
    # -rss_limit_mb: well under the machine's memory, shared with others.
    cargo fuzz run --sanitizer "$sanitizer" "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$log" 2>&1
    status=$?
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    if [ "$status" -eq 0 ]; then
        result=ok
    else
        result="FAILED (exit $status): $(grep -m1 -o 'artifacts/[^ ]*' "$log" || echo "see $log")"
        failed+=("$t")
    fi
    printf '%-11s %8s %12s %s\n' "$t" "$seconds" "${execs:-?}" "$result"
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: crashes in: ${failed[*]} (logs in $log_dir)" >&2
    exit 1
fi
rm -rf "$log_dir"
