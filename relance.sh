#!/usr/bin/env bash
# Relance in two commands on a fresh machine:
#   ./relance.sh demo    install, import the demo book, run the day, print what went out, serve
#   ./relance.sh test    install and run the test suite (SQLite, then PostgreSQL when reachable)
# Any other arguments are passed to the `relance` command: ./relance.sh run --date 2026-03-16
set -euo pipefail
cd "$(dirname "$0")"
VENV=.venv

python_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }

find_python() {
  local candidates=("${RELANCE_PYTHON:-}" python3.13 python3.12 python3)
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  for dir in "$root"/versions/3.1[2-9]*; do candidates+=("$dir/bin/python"); done
  for c in "${candidates[@]}"; do
    [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && python_ok "$c" && { command -v "$c"; return; }
  done
  echo "Relance needs Python 3.12 or newer (Django 6 does); set RELANCE_PYTHON=/path/to/python3.12" >&2
  exit 1
}

install() {
  local stamp="$VENV/.installed"
  if [ ! -x "$VENV/bin/python" ]; then
    "$(find_python)" -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "Installing Relance and its dependencies into $VENV …" >&2
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e ".[test,celery,dkim]"
    touch "$stamp"
  fi
}

postgres_url() { echo "${RELANCE_TEST_POSTGRES:-postgresql://postgres@127.0.0.1:5432/relance}"; }

postgres_reachable() {
  "$VENV/bin/python" - "$(postgres_url)" <<'PY' 2>/dev/null
import sys, psycopg
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1])
psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username, dbname="postgres",
                connect_timeout=3).close()
PY
}

run_tests() {
  TEST_TMP=$(mktemp -d)

  trap 'rm -rf "$TEST_TMP"' EXIT
  export RELANCE_DATA="$TEST_TMP/data"
  "$VENV/bin/ruff" check .
  echo "== tests on SQLite ==" >&2
  "$VENV/bin/pytest" "$@"
  if postgres_reachable; then
    echo "== integration tests on PostgreSQL ($(postgres_url)) ==" >&2
    RELANCE_DATABASE_URL="$(postgres_url)" "$VENV/bin/pytest" tests/integration tests/reports tests/api "$@"
  elif [ "${RELANCE_REQUIRE_POSTGRES:-}" = 1 ]; then
    echo "PostgreSQL is required (RELANCE_REQUIRE_POSTGRES=1) but $(postgres_url) is not reachable" >&2
    exit 1
  else
    echo "== PostgreSQL not reachable at $(postgres_url): PostgreSQL run skipped ==" >&2
  fi
}

install
case "${1:-}" in
  demo) shift; exec "$VENV/bin/relance" demo "$@" ;;
  test) shift; run_tests "$@" ;;
  "") echo "usage: ./relance.sh demo | test | <relance command>" >&2; exit 2 ;;
  *) exec "$VENV/bin/relance" "$@" ;;
esac
