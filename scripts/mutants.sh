#!/bin/sh
# Mutation testing of the security core (issue #11): cargo-mutants mutates
# src/code.rs, src/cmd/codes.rs, src/store/codes.rs and src/password.rs and runs
# the tests against each mutant; a mutant that survives is a bug the tests would
# not catch. Bounded: each mutant's test run is capped, and the whole run too.
#
#   scripts/mutants.sh                 # all four files, 60 min at most
#   MUTANTS_TIMEOUT=900 scripts/mutants.sh
#
# Results land in mutants.out/ (caught.txt, missed.txt, timeout.txt).
set -eu
cd "$(dirname "$0")/.."
if ! command -v cargo-mutants >/dev/null 2>&1; then
    cargo install cargo-mutants --locked
fi
total="${MUTANTS_TIMEOUT:-3600}"
status=0
timeout "$total" cargo mutants \
    --file src/code.rs --file src/cmd/codes.rs \
    --file src/store/codes.rs --file src/password.rs \
    --timeout 600 --jobs 1 \
    -- --lib --test main || status=$?
for f in caught missed timeout unviable; do
    n=0
    [ -f "mutants.out/$f.txt" ] && n=$(wc -l < "mutants.out/$f.txt")
    echo "$f: $n"
done
[ -f mutants.out/missed.txt ] && sed 's/^/missed: /' mutants.out/missed.txt
exit "$status"
