#!/usr/bin/env bash
# `make test`: the suite on SQLite and on PostgreSQL at the same time (each suite leaves part
# of the machine idle: browser, SMTP and time-out waits), every line prefixed with its
# database. Fails when either fails; both always run to the end.
set -uo pipefail
cd "$(dirname "$0")/.."
make_cmd=${MAKE:-make}

run() {  # name, target
    "$make_cmd" --no-print-directory "$2" 2>&1 | sed -u "s/^/[$1] /"
    return "${PIPESTATUS[0]}"
}

run sqlite test-sqlite &
sqlite=$!
run postgres test-postgres &
postgres=$!
wait "$sqlite"; sqlite_rc=$?
wait "$postgres"; postgres_rc=$?
echo "=== SQLite: $([ $sqlite_rc = 0 ] && echo passed || echo "FAILED ($sqlite_rc)"); PostgreSQL: $([ $postgres_rc = 0 ] && echo passed || echo "FAILED ($postgres_rc)")"
[ $sqlite_rc = 0 ] && [ $postgres_rc = 0 ]
