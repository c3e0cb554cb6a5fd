#!/usr/bin/env bash
# Benchmark: safecode against the sqlite3 CLI doing the same raw work, side by
# side in one run (release build). For two data sets, the realistic HR export of
# scripts/gen-hr-csv.py ("hr") and the old sequential user0, user1, … file ("seq"):
#
#   import          vs  sqlite3 .import into a table with a UNIQUE COLLATE NOCASE
#                       username (no validation: SQLite's own work, the baseline)
#   import --check  vs  the same .import (validation alone, nothing written)
#
# and purge of N expired codes, on one user's N codes and spread over 100,000
# users, against one DELETE with secure_delete=ON on a copy of the same file.
#
# Each measure is repeated (--reps, default 3), interleaved (safecode, sqlite3,
# safecode, …), and the median is shown, with the ratio of medians and the peak
# RSS (largest of the repetitions) from /usr/bin/time -v. The machine may be
# shared: the ratios, measured side by side, are what counts; the load average
# is printed at the start and the end.
#
#   scripts/bench-import.sh [--rows N] [--codes N] [--reps R] [--seed S] [--sets hr,seq]
#                                       (defaults: 1000000, = rows, 3, 1, hr,seq)
set -euo pipefail
ROWS=1000000 CODES='' REPS=3 SEED=1 SETS=hr,seq
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) ROWS=$2; shift 2 ;;
        --codes) CODES=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --sets) SETS=$2; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-import.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
CODES=${CODES:-$ROWS}
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/time ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing GNU time (peak RSS)..." >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
    else
        echo "bench-import.sh: needs GNU time: sudo apt-get install time" >&2
        exit 1
    fi
fi
command -v sqlite3 >/dev/null || { echo "bench-import.sh: needs sqlite3: apt-get install sqlite3" >&2; exit 1; }

cargo build --release --quiet
BIN=$PWD/target/release/safecode
DIR=$(mktemp -d "${TMPDIR:-/tmp}/bench-import.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
export SAFECODE_CONFIG="$DIR/config.toml"
: > "$SAFECODE_CONFIG"
RES=$DIR/results
mkdir "$RES"

echo "machine: $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rows $ROWS, codes $CODES, repetitions $REPS, seed $SEED"
for set in ${SETS//,/ }; do
    case "$set" in
        hr) /usr/bin/python3 scripts/gen-hr-csv.py --rows "$ROWS" --seed "$SEED" > "$DIR/hr.csv" ;;
        seq) awk -v n="$ROWS" 'BEGIN {
               print "username,name,phone,carrier,email";
               for (i = 0; i < n; i++)
                 printf "user%d,User %d,+1617%07d,,user%d@example.com\n", i, i, 2000000 + i, i;
             }' > "$DIR/seq.csv" ;;
        *) echo "bench-import.sh: unknown set $set (hr, seq)" >&2; exit 2 ;;
    esac
    ls -l "$DIR/$set.csv" | awk -v s="$set" '{ printf "data set %s: %.1f MiB\n", s, $5 / 1048576 }'
done

# measure KEY CMD...: appends wall seconds and peak RSS (KiB) to $RES/KEY.
measure() {
    local key=$1; shift
    if ! /usr/bin/time -v "$@" > "$DIR/out" 2> "$DIR/time"; then
        cat "$DIR/out" "$DIR/time" >&2
        echo "bench-import.sh: failed: $*" >&2
        exit 1
    fi
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
        for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%s ", s }
      /Maximum resident set size/ { print $2 }' "$DIR/time" >> "$RES/$key"
}

# A fresh safecode database.
fresh() {
    rm -f "$1" "$1-wal" "$1-shm"
    SAFECODE_DB=$1 "$BIN" init > /dev/null
}

raw_import() {
    rm -f "$DIR/raw.db" "$DIR/raw.db-wal" "$DIR/raw.db-shm"
    sqlite3 "$DIR/raw.db" "PRAGMA journal_mode=WAL;" \
        "CREATE TABLE t (username TEXT UNIQUE COLLATE NOCASE, name TEXT, phone TEXT, carrier TEXT, email TEXT);" > /dev/null
    measure "$1" sqlite3 "$DIR/raw.db" ".mode csv" ".import --skip 1 $2 t"
}

# The purge files: a safecode database with 100,000 users and CODES expired codes,
# for user 1 only ("one") or user 1 + i % 100000 ("spread"). Each run works on a
# copy, so safecode and sqlite3 start from the same bytes.
seed_purge() {
    local db=$DIR/purge-$1.db users=$2
    fresh "$db"
    sqlite3 "$db" "INSERT INTO users (id, username, created_at, updated_at)
        WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100000)
        SELECT i, 'u' || i, 0, 0 FROM s;" \
      "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < $CODES - 1)
        INSERT INTO codes (user_id, purpose, channel, destination, salt, digest, created_at, expires_at, state)
        SELECT 1 + (i % $users), 'reset', 'sms', '+16174322000', randomblob(16), randomblob(32),
          1000 + i / 100, 1600 + i / 100, 'live' FROM s;" \
      "PRAGMA wal_checkpoint(TRUNCATE);" > /dev/null
}
seed_purge one 1
seed_purge spread 100000

copy() {
    rm -f "$DIR/work.db" "$DIR/work.db-wal" "$DIR/work.db-shm"
    cp "$1" "$DIR/work.db"
}

for rep in $(seq "$REPS"); do
    echo "repetition $rep of $REPS (load $(cut -d' ' -f1 /proc/loadavg))..."
    for set in ${SETS//,/ }; do
        csvf=$DIR/$set.csv
        fresh "$DIR/sc.db"
        SAFECODE_DB=$DIR/sc.db measure "$set.import" "$BIN" -q import "$csvf"
        raw_import "$set.raw" "$csvf"
        fresh "$DIR/sc.db"
        SAFECODE_DB=$DIR/sc.db measure "$set.check" "$BIN" -q import --check "$csvf"
    done
    for shape in one spread; do
        copy "$DIR/purge-$shape.db"
        SAFECODE_DB=$DIR/work.db measure "purge-$shape" "$BIN" purge
        grep -q "Purged $CODES codes" "$DIR/out" || { cat "$DIR/out"; echo "purge-$shape: wrong count" >&2; exit 1; }
        copy "$DIR/purge-$shape.db"
        measure "purge-$shape.raw" sqlite3 "$DIR/work.db" "PRAGMA secure_delete = ON;" \
            "DELETE FROM codes WHERE expires_at < strftime('%s','now');"
    done
done
rm -f "$DIR/work.db" "$DIR/raw.db" "$DIR/sc.db"

# median FILE: median seconds; peak FILE: largest RSS in MiB.
median() { awk '{ print $1 }' "$1" | sort -n | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
peak() { awk '$2 > m { m = $2 } END { printf "%.0f", m / 1024 }' "$1"; }
row() { # label key rawkey rawlabel
    local a b
    a=$(median "$RES/$2"); b=$(median "$RES/$3")
    awk -v l="$1" -v a="$a" -v b="$b" -v r="$(peak "$RES/$2")" -v rl="$4" -v rr="$(peak "$RES/$3")" \
        'BEGIN { printf "| %s | %.2f s | %s %.2f s | %.2f× | %s MiB (sqlite3 %s MiB) |\n", l, a, rl, b, a / b, r, rr }'
}

echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians of $REPS; $ROWS rows, $CODES codes"
echo
echo "| measure | safecode | sqlite3 CLI doing the raw work | ratio | peak RSS |"
echo "|---|---|---|---|---|"
for set in ${SETS//,/ }; do
    row "$set: import" "$set.import" "$set.raw" ".import, UNIQUE COLLATE NOCASE username:"
    row "$set: import --check" "$set.check" "$set.raw" "(vs the whole .import)"
done
row "purge, one user's codes" purge-one purge-one.raw "DELETE, secure_delete=ON:"
row "purge, over 100,000 users" purge-spread purge-spread.raw "DELETE, secure_delete=ON:"
