#!/usr/bin/env bash
# The API contract as integrators meet it (issue 18), in a few minutes, with tools nobody here
# wrote:
#   1. redocly CLI lints the published docs/openapi.yaml and the live /api/schema/: 0 errors;
#   2. a throwaway server (SQLite file, eager tasks, the demo data) serves the live schema;
#   3. openapi-python-client generates a client from it into a throwaway virtualenv, and
#      clients/python/scenario.py runs the integrator scenario through that client alone;
#   4. openapi-typescript types the same schema and tsc --noEmit checks
#      clients/typescript/scenario.ts against it: 0 errors.
# Needs Python 3.11, node 20 and npm (the npm registry and PyPI); the project's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

REDOCLY_VERSION=2.77.0
OPENAPI_PYTHON_CLIENT_VERSION=0.29.1
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
PYTHON=$(command -v python3.11 || command -v python3)

log() { printf '\n--- contract: %s\n' "$*"; }
die() { printf '\ncontract FAILED: %s\n' "$*" >&2; exit 1; }

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

started=$(date +%s)
lap() { echo "($(( $(date +%s) - started )) s)"; }

redocly_lint() {  # redocly_lint FILE: 0 errors required; prints the count of warnings
    local out
    out=$(npx --yes "@redocly/cli@${REDOCLY_VERSION}" lint "$1" --config redocly.yaml \
        --format=summary 2>&1) || { echo "$out"; die "redocly reports errors in $1"; }
    echo "$out" | grep -E '^(warning|error) ' || true
    echo "$out" | grep -E 'valid|warning' | tail -n 1
}

log "redocly ${REDOCLY_VERSION}: docs/openapi.yaml"
redocly_lint docs/openapi.yaml
lap

log "a throwaway server: migrate, seed_catalog, seed_demo on SQLite, eager tasks"
# No REDIS_URL: Celery runs tasks eagerly (settings), so the PDF flow needs no worker here.
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
unset REDIS_URL
export DJANGO_DEBUG=1
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed_catalog >/dev/null
"$PY" manage.py seed_demo >"$WORK/seed.txt"
# seed_demo prints the demo integrator's key once; the seller's key is made here.
INTEGRATOR_TOKEN=$(sed -n 's/^API token for integrator @ demo: //p' "$WORK/seed.txt")
[ -n "$INTEGRATOR_TOKEN" ] || die "seed_demo printed no integrator token"
SELLER_TOKEN=$("$PY" manage.py create_api_token --user sales --organisation demo \
    --name contract-ci | sed -n 2p)
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$PY" manage.py runserver "127.0.0.1:$PORT" --noreload >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 60); do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; die "the server exited"; }
    if curl -sf -o "$WORK/schema.json" "$URL/api/schema/?format=json"; then break; fi
    sleep 1
done
[ -s "$WORK/schema.json" ] || die "no schema at $URL/api/schema/ after 60 s"
echo "serving $URL"
lap

log "redocly ${REDOCLY_VERSION}: the live /api/schema/"
redocly_lint "$WORK/schema.json"

log "openapi-python-client ${OPENAPI_PYTHON_CLIENT_VERSION}: generate from $URL/api/schema/, install"
"$PYTHON" -m venv "$WORK/client-venv"
CLIENT_PY="$WORK/client-venv/bin/python"
"$CLIENT_PY" -m pip install -q "openapi-python-client==${OPENAPI_PYTHON_CLIENT_VERSION}"
"$WORK/client-venv/bin/openapi-python-client" generate --url "$URL/api/schema/?format=json" \
    --config clients/python/config.yaml --output-path "$WORK/client" >"$WORK/generate.log" 2>&1 \
    || { cat "$WORK/generate.log"; die "openapi-python-client could not generate the client"; }
if grep -E '^(WARNING|ERROR)|Unable to' "$WORK/generate.log"; then
    die "openapi-python-client warned about the schema (see above)"
fi
"$CLIENT_PY" -m pip install -q "$WORK/client"
lap

log "the integrator scenario through the generated Python client"
MDC_URL="$URL" MDC_INTEGRATOR_TOKEN="$INTEGRATOR_TOKEN" MDC_SELLER_TOKEN="$SELLER_TOKEN" \
    MDC_EXAMPLE_BUILD=rules/examples/retail_store_rack.json \
    "$CLIENT_PY" clients/python/scenario.py
lap

log "openapi-typescript + openapi-fetch: the same scenario type-checked (tsc --noEmit)"
(
    cd clients/typescript
    npm ci --no-audit --no-fund --loglevel=error
    MDC_SCHEMA="$WORK/schema.json" npm run --silent generate
    npx --no-install tsc --noEmit
)
echo "tsc: 0 errors"
lap
