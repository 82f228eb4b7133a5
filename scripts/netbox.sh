#!/usr/bin/env bash
# A real NetBox for the hand-off's integration tests (tests/integration/test_netbox_*.py).
#
#   scripts/netbox.sh up      install (cached), restore or migrate its database, serve it
#   scripts/netbox.sh down    stop the server this script started
#   scripts/netbox.sh env     print the variables the tests read (NETBOX_URL, NETBOX_TOKEN)
#
# With NETBOX_BRANCHING=1 (the default) the NetBox Branching plugin is installed and enabled,
# with an rqworker for its jobs (provisioning and merging branches); NETBOX_BRANCHING=0 serves
# a NetBox without it.
#
# NetBox 4.7.3 needs Python >= 3.12: it lives in its own venv under a cache directory keyed by
# version ($NETBOX_CACHE_DIR, default ~/.cache/mdc-netbox/<version>), beside a pg_dump of its
# migrated database, so later runs skip the install (~90 s) and the migrations (~5 min). A dump
# committed under tests/integration/netbox/ (same version) is used before the cache, so a clean
# machine migrates nothing either. Its own PostgreSQL database and Redis db numbers; gunicorn
# on a loopback port. Every step prints its time. A second instance beside CI's takes its own
# NETBOX_ROOT_DIR, NETBOX_RUN_DIR, NETBOX_DB, NETBOX_PORT and NETBOX_REDIS_*_DB.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

NETBOX_VERSION=${NETBOX_VERSION:-4.7.3}
NETBOX_BRANCHING=${NETBOX_BRANCHING:-1}
BRANCHING_VERSION=${BRANCHING_VERSION:-1.2.2}
CACHE=${NETBOX_CACHE_DIR:-${HOME}/.cache/mdc-netbox}/${NETBOX_VERSION}
VENV=$CACHE/venv
ROOT=${NETBOX_ROOT_DIR:-$CACHE/root}   # NETBOX_ROOT: conf/configuration.py, media, reports
RUN=${NETBOX_RUN_DIR:-$CACHE/run}      # pid file and server log
COMMITTED_DUMP=$REPO/tests/integration/netbox/netbox-${NETBOX_VERSION}.pgdump
CACHED_DUMP=$CACHE/migrated.pgdump

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
NETBOX_DB=${NETBOX_DB:-netbox_ci}
# Redis is shared with other services on this machine: NetBox gets db numbers of its own.
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}
NETBOX_REDIS_TASKS_DB=${NETBOX_REDIS_TASKS_DB:-10}
NETBOX_REDIS_CACHE_DB=${NETBOX_REDIS_CACHE_DB:-11}
NETBOX_HOST=127.0.0.1
NETBOX_PORT=${NETBOX_PORT:-18473}
# A fixed v1 token of a throwaway superuser in a throwaway database on the loopback only.
NETBOX_TOKEN=${NETBOX_TOKEN:-0123456789abcdef0123456789abcdef01234567}

log() { printf '\n--- netbox: %s\n' "$*"; }
die() { printf '\nnetbox: FAILED: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "    (%.1f s)\n", b - a }'; }

python312() {
    local candidate
    if command -v pyenv >/dev/null 2>&1; then
        candidate="$(pyenv root)/versions/3.12.1/bin/python"
        [ -x "$candidate" ] && { echo "$candidate"; return 0; }
    fi
    for candidate in python3.12 python3.13; do
        command -v "$candidate" >/dev/null 2>&1 && { command -v "$candidate"; return 0; }
    done
    die "NetBox ${NETBOX_VERSION} needs Python >= 3.12; none found (pyenv 3.12.1, python3.12)"
}

pg_role() {
    local role
    for role in postgres root; do
        if psql -h "$PG_HOST" -p "$PG_PORT" -U "$role" -d postgres -tAc 'select 1' >/dev/null 2>&1
        then
            echo "$role"
            return 0
        fi
    done
    die "no PostgreSQL role (postgres, root) can connect on $PG_HOST:$PG_PORT"
}

install() {
    local started
    if [ -x "$VENV/bin/netbox" ] && [ "$("$VENV/bin/netbox" version 2>/dev/null)" = "$NETBOX_VERSION" ]
    then
        echo "NetBox ${NETBOX_VERSION} venv cached at $VENV"
    else
        log "installing NetBox ${NETBOX_VERSION} into $VENV (cold)"
        started=$(now)
        rm -rf "$VENV"
        "$(python312)" -m venv "$VENV"
        "$VENV/bin/pip" install --quiet --disable-pip-version-check "netbox==${NETBOX_VERSION}" \
            gunicorn
        took "$started"
    fi
    if [ "$NETBOX_BRANCHING" = 1 ] && ! "$VENV/bin/python" -c "import importlib.metadata as m, sys
sys.exit(m.version('netboxlabs-netbox-branching') != '${BRANCHING_VERSION}')" 2>/dev/null; then
        log "installing NetBox Branching ${BRANCHING_VERSION}"
        started=$(now)
        "$VENV/bin/pip" install --quiet --disable-pip-version-check \
            "netboxlabs-netbox-branching==${BRANCHING_VERSION}"
        took "$started"
    fi
}

configure() {
    mkdir -p "$ROOT/conf" "$ROOT/media" "$ROOT/reports" "$ROOT/scripts" "$RUN"
    local role=$1
    local wrap_open="" wrap_close="" plugins=""
    if [ "$NETBOX_BRANCHING" = 1 ]; then
        wrap_open="DynamicSchemaDict("
        wrap_close=")"
        plugins='PLUGINS = ["netbox_branching"]
DATABASE_ROUTERS = ["netbox_branching.database.BranchAwareRouter"]
from netbox_branching.utilities import DynamicSchemaDict'
    fi
    cat >"$ROOT/conf/configuration.py" <<EOF
# Written by scripts/netbox.sh for the hand-off's integration tests; not for production.
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
${plugins}
DATABASES = ${wrap_open}{
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "${NETBOX_DB}",
        "USER": "${role}",
        "PASSWORD": "",
        "HOST": "${PG_HOST}",
        "PORT": "${PG_PORT}",
        "CONN_MAX_AGE": 300,
    }
}${wrap_close}
REDIS = {
    "tasks": {"HOST": "${REDIS_HOST}", "PORT": ${REDIS_PORT}, "USERNAME": "", "PASSWORD": "",
              "DATABASE": ${NETBOX_REDIS_TASKS_DB}, "SSL": False},
    "caching": {"HOST": "${REDIS_HOST}", "PORT": ${REDIS_PORT}, "USERNAME": "", "PASSWORD": "",
                "DATABASE": ${NETBOX_REDIS_CACHE_DB}, "SSL": False},
}
SECRET_KEY = "mdc-configurator-ci-netbox-secret-key-loopback-only-0123456789"
API_TOKEN_PEPPERS = {1: "mdc-configurator-ci-netbox-pepper-loopback-only-0123456789abcdef"}
CENSUS_REPORTING_ENABLED = False
RELEASE_CHECK_URL = None
EOF
}

netbox_cmd() { NETBOX_ROOT="$ROOT" "$VENV/bin/netbox" "$@"; }

database() {
    local role=$1 started
    log "database ${NETBOX_DB} (role ${role})"
    psql -h "$PG_HOST" -p "$PG_PORT" -U "$role" -d postgres -q \
        -c "DROP DATABASE IF EXISTS ${NETBOX_DB} WITH (FORCE)" \
        -c "CREATE DATABASE ${NETBOX_DB}"
    # NetBox keeps its cache in Redis: a cache left from an older database would lie.
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$NETBOX_REDIS_CACHE_DB" flushdb >/dev/null
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$NETBOX_REDIS_TASKS_DB" flushdb >/dev/null
    local dump=""
    [ -f "$COMMITTED_DUMP" ] && dump=$COMMITTED_DUMP
    if [ -f "$CACHED_DUMP" ] && { [ -z "$dump" ] || [ "$CACHED_DUMP" -nt "$dump" ]; }; then
        dump=$CACHED_DUMP
    fi
    started=$(now)
    if [ -n "$dump" ]; then
        echo "restoring $dump"
        pg_restore -h "$PG_HOST" -p "$PG_PORT" -U "$role" -d "$NETBOX_DB" --no-owner \
            --no-privileges "$dump"
        took "$started"
    else
        echo "no dump of a migrated NetBox ${NETBOX_VERSION}: migrating (about 5 minutes)"
        netbox_cmd migrate --no-input >"$RUN/migrate.log" 2>&1 \
            || { tail -n 40 "$RUN/migrate.log"; die "netbox migrate failed"; }
        took "$started"
        pg_dump -h "$PG_HOST" -p "$PG_PORT" -U "$role" -Fc "$NETBOX_DB" >"$CACHED_DUMP.tmp"
        mv "$CACHED_DUMP.tmp" "$CACHED_DUMP"
        echo "kept $CACHED_DUMP for later runs ($(du -h "$CACHED_DUMP" | cut -f1))"
    fi
    started=$(now)
    # One start of NetBox (slow on a busy machine): apply what the dump lacks (a plugin's
    # migrations, when it was made without), then create the superuser and its fixed token.
    local output
    output=$(netbox_cmd shell -c "
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
executor = MigrationExecutor(connection)
pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
if pending:
    call_command('migrate', interactive=False, verbosity=0)
    print(f'MIGRATED {len(pending)} migrations the dump lacked')
from users.models import Token, User
user = User.objects.create_superuser('mdc-ci', 'mdc-ci@example.invalid', 'mdc-ci-password-loopback')
Token.objects.create(user=user, version=1, token='${NETBOX_TOKEN}', write_enabled=True)
print('superuser and token ready')
" 2>&1) || { echo "$output" | tail -n 30; die "NetBox could not be prepared"; }
    echo "$output" | grep -E "MIGRATED|superuser" || true
    if echo "$output" | grep -q MIGRATED; then
        # Keep the migrated database for the next run, without the user made just now.
        pg_dump -h "$PG_HOST" -p "$PG_PORT" -U "$role" -Fc --exclude-table-data=users_user \
            --exclude-table-data=users_token --exclude-table-data=users_userconfig \
            "$NETBOX_DB" >"$CACHED_DUMP.tmp"
        mv "$CACHED_DUMP.tmp" "$CACHED_DUMP"
        echo "kept $CACHED_DUMP for later runs (scripts/netbox.sh dump commits it)"
    fi
    took "$started"
}

serve() {
    stop
    log "gunicorn on ${NETBOX_HOST}:${NETBOX_PORT}"
    if (exec 3<>"/dev/tcp/${NETBOX_HOST}/${NETBOX_PORT}") 2>/dev/null; then
        die "port ${NETBOX_PORT} is taken; set NETBOX_PORT"
    fi
    local started
    started=$(now)
    NETBOX_ROOT="$ROOT" "$VENV/bin/gunicorn" netbox.wsgi:application \
        --bind "${NETBOX_HOST}:${NETBOX_PORT}" --workers 2 --threads 2 --timeout 120 \
        --preload --no-control-socket --pid "$RUN/gunicorn.pid" --daemon \
        --error-logfile "$RUN/gunicorn.log" --capture-output
    if [ "$NETBOX_BRANCHING" = 1 ]; then
        # Branches are provisioned and merged by background jobs.
        NETBOX_ROOT="$ROOT" nohup "$VENV/bin/netbox" rqworker high default low \
            >"$RUN/rqworker.log" 2>&1 &
        echo $! >"$RUN/rqworker.pid"
    fi
    for _ in $(seq 1 120); do
        # Unauthenticated /api/ answers 403: the probe sends the token.
        if curl -fs -o /dev/null -H "Authorization: Token ${NETBOX_TOKEN}" \
            "http://${NETBOX_HOST}:${NETBOX_PORT}/api/status/"; then
            took "$started"
            echo "NetBox ${NETBOX_VERSION} answers at http://${NETBOX_HOST}:${NETBOX_PORT}/"
            return 0
        fi
        sleep 0.5
    done
    tail -n 40 "$RUN/gunicorn.log" >&2 || true
    die "NetBox did not answer within 60 s"
}

stop() {
    local pidfile pid
    for pidfile in "$RUN/gunicorn.pid" "$RUN/rqworker.pid"; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid"
            for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        fi
        rm -f "$pidfile"
    done
}

print_env() {
    echo "NETBOX_URL=http://${NETBOX_HOST}:${NETBOX_PORT}"
    echo "NETBOX_TOKEN=${NETBOX_TOKEN}"
    echo "NETBOX_VERSION=${NETBOX_VERSION}"
    echo "NETBOX_BRANCHING=${NETBOX_BRANCHING}"
}

case "${1:-}" in
    up)
        mkdir -p "$CACHE"
        install
        role=$(pg_role)
        configure "$role"
        database "$role"
        serve
        ;;
    down) stop ;;
    env) print_env ;;
    dump)  # commit the cached dump of a freshly migrated database (no users, no data)
        [ -f "$CACHED_DUMP" ] || die "no $CACHED_DUMP: run 'up' with no dump first"
        mkdir -p "$(dirname "$COMMITTED_DUMP")"
        cp "$CACHED_DUMP" "$COMMITTED_DUMP"
        echo "wrote $COMMITTED_DUMP"
        ;;
    *) echo "usage: $0 up|down|env|dump" >&2; exit 2 ;;
esac
