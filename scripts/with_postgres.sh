#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL cluster of its own, stopped afterwards.
# With DATABASE_URL already set, the command runs against that server instead.
#
# As in production (docs/operations.md) the command connects as the owner role
# `kansrijk_owner` (owns the database, creates the test databases, runs the migrations; not a
# superuser), and the role `kansrijk_app` owns nothing: the tests act as it (SET ROLE, which
# the owner may) to show what the application's role can and cannot do to the access log.
#
# KANSRIJK_PG_SHARED_BUFFERS sets the cluster's shared_buffers (default 128MB, PostgreSQL's):
# a region load test at scale 1.0 (4.5 GB) wants its working set there, as a production
# server has it, since this VM keeps little page cache (docs/operations.md).
#
# KANSRIJK_PG_REPLICA=1 also starts a streaming replica of that cluster (pg_basebackup -R,
# hot standby on a port of its own) and exports KANSRIJK_REPLICA_DATABASE_URL, for the test
# of the monitor's reads on a replica (tests/monitor/test_replica.py).
set -euo pipefail

if [ -n "${DATABASE_URL:-}" ] && [[ "${DATABASE_URL}" == postgres* ]]; then
    exec "$@"
fi

find_bindir() {
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir; return
    fi
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -Vr); do
        [ -x "$dir/initdb" ] && { echo "$dir"; return; }
    done
    command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
}

bindir=$(find_bindir || true)
if [ -z "$bindir" ]; then
    echo "No PostgreSQL binaries found: installing the postgresql package." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bindir=$(find_bindir)
fi

tmp=$(mktemp -d /tmp/kansrijk-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner=()
if [ "$(id -u)" = "0" ]; then
    chown postgres: "$tmp"
    as_owner=(runuser -u postgres --)
fi

cleanup() {
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$tmp/replica" -m immediate stop >/dev/null 2>&1 || true
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

"${as_owner[@]}" "$bindir/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_owner[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/log" -w start -o \
    "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=${KANSRIJK_PG_SHARED_BUFFERS:-128MB}" >/dev/null
"${as_owner[@]}" "$bindir/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 <<'SQL'
CREATE ROLE kansrijk_owner LOGIN CREATEDB;
CREATE ROLE kansrijk_app LOGIN;
GRANT kansrijk_app TO kansrijk_owner;
CREATE DATABASE kansrijk OWNER kansrijk_owner;
SQL

export DATABASE_URL="postgres://kansrijk_owner@127.0.0.1:$port/kansrijk"
# The cluster's Unix socket: the load test's app servers connect through it, as an app server
# on the database's own machine should (docs/operations.md, "Running Kansrijk").
export KANSRIJK_PG_SOCKET_DIR="$tmp"
if [ "${KANSRIJK_PG_REPLICA:-}" = "1" ]; then
    rport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_owner[@]}" "$bindir/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres \
        -D "$tmp/replica" -R -X stream >/dev/null
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$tmp/replica" -l "$tmp/replica.log" -w start -o \
        "-p $rport -k $tmp -c listen_addresses=127.0.0.1 -c hot_standby=on -c max_connections=200" >/dev/null \
        || { cat "$tmp/replica.log" >&2; exit 1; }
    export KANSRIJK_REPLICA_DATABASE_URL="postgres://kansrijk_owner@127.0.0.1:$rport/kansrijk"
    echo "Streaming replica on port $rport" >&2
fi
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $port" >&2
"$@"
