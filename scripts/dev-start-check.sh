#!/usr/bin/env bash
# `npm run dev` on a fresh clone, as a newcomer would start it: as root in a folder only root can
# enter (mode 0700, like /root), and as an ordinary user in their home. Each run: start, wait for
# /readyz, stop, and check that the embedded PostgreSQL stopped too. Used by .ci/run (as root).
#   bash scripts/dev-start-check.sh [user]    (default user: yorisoi-ci, created if missing)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
user="${1:-yorisoi-ci}"
port=3190
embedded_port=54329

if [ "$(id -u)" != 0 ]; then echo "run as root (it also runs the check as the user '$user')" >&2; exit 2; fi

# A fresh clone of the committed tree with the installed dependencies copied in (an `npm ci`
# per clone would only repeat what CI's install just did).
fresh_clone() {
  git clone -q "$repo" "$1"
  cp -a "$repo/node_modules" "$1/node_modules"
  cp -a "$repo/src/generated" "$1/src/generated" 2>/dev/null || true
  touch "$1/node_modules/.package-lock.json"
}

# Starts `npm run dev` in $1 as $2, waits for /readyz, stops it; fails with its log otherwise.
start_and_stop() {
  local dir="$1" as="$2" log="$1.log" pid ok=""
  local env="PORT=$port REDIS_PREFIX=dev-start-check LOG_LEVEL=info"
  if [ "$as" = root ]; then
    setsid bash -c "cd '$dir' && env $env npm run dev" >"$log" 2>&1 < /dev/null &
  else
    # setpriv execs in place (no su parent in between that catches the stop signal).
    local home; home="$(getent passwd "$as" | cut -d: -f6)"
    setsid setpriv --reuid="$as" --regid="$(id -g "$as")" --init-groups \
      env HOME="$home" USER="$as" bash -c "cd '$dir' && env $env npm run dev" >"$log" 2>&1 < /dev/null &
  fi
  pid=$!
  for _ in $(seq 1 180); do
    # Ready, and the banner (URLs, database, demo login) printed.
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && grep -q "Stop with Ctrl+C" "$log"; then ok=1; break; fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 1
  done
  # The whole process group started above (npm, the wrapper, the app), by its id.
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  if [ -z "$ok" ]; then echo "npm run dev as $as did not become ready:" >&2; tail -40 "$log" >&2; return 1; fi
  for _ in $(seq 1 20); do
    (exec 3<>"/dev/tcp/127.0.0.1/$embedded_port") 2>/dev/null || break
    sleep 1
  done
  if (exec 3<>"/dev/tcp/127.0.0.1/$embedded_port") 2>/dev/null; then echo "the embedded PostgreSQL kept running after npm run dev (as $as) stopped" >&2; return 1; fi
  grep -q "Database: *postgresql://" "$log" || { echo "npm run dev as $as printed no database URL" >&2; tail -20 "$log" >&2; return 1; }
  grep -q "Demo supervisor" "$log" || { echo "npm run dev as $as printed no demo login" >&2; return 1; }
  echo "npm run dev as $as: ready, stopped cleanly"
}

work="$(mktemp -d /tmp/yorisoi-dev-check.XXXXXX)"
trap 'rm -rf "$work"' EXIT

echo "== as root, in a folder closed to other users (0700)"
mkdir -m 0700 "$work/root-home"
fresh_clone "$work/root-home/yorisoi"
# Root's cluster lives in /var/tmp/yorisoi-<sha256 of the data folder> (src/dev/embedded-postgres.ts).
root_runtime="/var/tmp/yorisoi-$(printf '%s' "$work/root-home/yorisoi/.data" | sha256sum | cut -c1-12)"
trap 'rm -rf "$work" "$root_runtime"' EXIT
start_and_stop "$work/root-home/yorisoi" root
[ -f "$root_runtime/postgres/PG_VERSION" ] || { echo "root's embedded cluster is not where expected ($root_runtime)" >&2; exit 1; }

echo "== as an ordinary user ($user), in their home"
id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
home="$(getent passwd "$user" | cut -d: -f6)"
rm -rf "$home/yorisoi-dev-check"
fresh_clone "$home/yorisoi-dev-check"
chown -R "$user:" "$home/yorisoi-dev-check"
start_and_stop "$home/yorisoi-dev-check" "$user"
rm -rf "$home/yorisoi-dev-check"
