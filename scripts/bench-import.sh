#!/bin/sh
# Benchmark: `safecode import` of 1,000,000 valid rows against the sqlite3 CLI's
# raw `.import` of the same file (no validation) into a table with a
# case-insensitive unique username, as the issue measured it (the ratio's
# baseline); a plain table's figure is shown too, for reference. And
# `safecode purge` of 1,000,000 expired codes against a raw DELETE (both with
# secure_delete on). Reports times, ratios and peak RSS (/usr/bin/time -v).
#
#   scripts/bench-import.sh [ROWS]        (default 1000000; release build)
set -eu
ROWS=${1:-1000000}
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=$PWD/target/release/safecode
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
export SAFECODE_DB="$DIR/safecode.db" SAFECODE_CONFIG="$DIR/config.toml"
: > "$SAFECODE_CONFIG"

echo "generating $ROWS rows (distinct numbers and emails)..."
awk -v n="$ROWS" 'BEGIN {
  print "username,name,phone,carrier,email";
  for (i = 0; i < n; i++)
    printf "user%d,User %d,+1617%07d,,user%d@example.com\n", i, i, 2000000 + i, i;
}' > "$DIR/users.csv"
ls -l "$DIR/users.csv" | awk '{ printf "file: %.1f MiB\n", $5 / 1048576 }'

# Seconds and peak RSS (KiB) of a command, from GNU time.
measure() {
  /usr/bin/time -v "$@" > "$DIR/out" 2> "$DIR/time" || { cat "$DIR/out" "$DIR/time"; exit 1; }
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$DIR/time")
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$DIR/time")
}

"$BIN" init > /dev/null
measure "$BIN" import "$DIR/users.csv"
imp=$secs; imp_rss=$rss
cat "$DIR/out"
sqlite3 "$DIR/raw.db" "PRAGMA journal_mode=WAL;" "CREATE TABLE t (username TEXT UNIQUE COLLATE NOCASE, name TEXT, phone TEXT, carrier TEXT, email TEXT);" > /dev/null
measure sqlite3 "$DIR/raw.db" ".mode csv" ".import --skip 1 $DIR/users.csv t"
raw=$secs; raw_rss=$rss
sqlite3 "$DIR/plain.db" "PRAGMA journal_mode=WAL;" "CREATE TABLE t (username TEXT, name TEXT, phone TEXT, carrier TEXT, email TEXT);" > /dev/null
measure sqlite3 "$DIR/plain.db" ".mode csv" ".import --skip 1 $DIR/users.csv t"
plain=$secs
echo
awk -v a="$imp" -v b="$raw" -v c="$plain" -v n="$ROWS" -v r1="$imp_rss" -v r2="$raw_rss" 'BEGIN {
  printf "import:          %7.2f s  %9.0f rows/s  peak RSS %6.1f MiB\n", a, n / a, r1 / 1024;
  printf "sqlite3 .import: %7.2f s  %9.0f rows/s  peak RSS %6.1f MiB (UNIQUE COLLATE NOCASE username)\n", b, n / b, r2 / 1024;
  printf "  plain table:   %7.2f s  %9.0f rows/s  (no constraint; ratio %.2fx)\n", c, n / c, a / c;
  printf "ratio import / .import: %.2fx (target 3x, stretch 2x)\n", a / b }'

echo
echo "purge: $ROWS expired codes..."
seed() {
  sqlite3 "$1" "PRAGMA secure_delete = ON;" "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $ROWS)
    INSERT INTO codes (user_id, purpose, channel, destination, salt, digest, created_at, expires_at, state)
    SELECT 1 + (i % 1000), 'reset', 'sms', '+16174322000', randomblob(16), randomblob(32), 1000, 1600, 'live' FROM s;" > /dev/null
}
seed "$SAFECODE_DB"
measure "$BIN" purge
pur=$secs; pur_rss=$rss
cat "$DIR/out"
# The raw comparison: the same rows in a copy of the schema, one DELETE.
rm -f "$DIR/raw2.db"
sqlite3 "$DIR/raw2.db" ".read schema.sql" "PRAGMA journal_mode=WAL;" "INSERT INTO users (id, username, created_at, updated_at)
  WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000) SELECT i, 'u' || i, 0, 0 FROM s;" > /dev/null
seed "$DIR/raw2.db"
measure sqlite3 "$DIR/raw2.db" "PRAGMA secure_delete = ON;" "DELETE FROM codes WHERE expires_at < strftime('%s','now');"
rawp=$secs
awk -v a="$pur" -v b="$rawp" -v r1="$pur_rss" 'BEGIN {
  printf "purge:      %7.2f s  peak RSS %6.1f MiB\n", a, r1 / 1024;
  printf "raw DELETE: %7.2f s\n", b;
  printf "ratio purge / DELETE: %.2fx (target 1.5x)\n", a / b }'
