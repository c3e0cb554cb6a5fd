#!/usr/bin/env bash
# Quick start: build safecode, create a database in a temp directory, register
# contacts from examples/contacts.csv and walk one password reset in dry-run (the
# code is printed, not sent). Safe to run anywhere: it touches nothing outside the
# temp directory.
set -euo pipefail
cd "$(dirname "$0")/.."

# The build shows its own progress: the first one compiles every dependency and
# takes a few minutes; later ones are quick.
echo "quickstart: building safecode (cargo build)" >&2
cargo build
sc="$PWD/target/debug/safecode"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export SAFECODE_DB="$work/safecode.db"
export SAFECODE_CONFIG="$work/config.toml"
: >"$SAFECODE_CONFIG"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*" >&2; }

step safecode init
"$sc" init

step safecode import examples/contacts.csv
"$sc" import examples/contacts.csv

step safecode user list
"$sc" user list

step safecode --dry-run issue alice
out="$("$sc" --dry-run issue alice)"
printf '%s\n' "$out"
# The code is the one run of six digits in the printed message body.
code="$(printf '%s\n' "$out" | grep -v '^---' | grep -oE '\b[0-9]{6}\b' | head -n1)"

step "safecode verify alice -   # the caller reads back $code"
printf '%s\n' "$code" | "$sc" verify alice -

step "safecode --dry-run set-password alice --password-stdin"
printf 'plum-voyage-lantern-seventeen\n' | "$sc" --dry-run set-password alice --password-stdin

step "safecode authenticate alice"
printf 'plum-voyage-lantern-seventeen\n' | "$sc" authenticate alice

step "safecode audit alice --limit 8"
"$sc" audit alice --limit 8
