# Shared helpers for scripts/demo and scripts/test (sourced, not run).
# They install what a fresh Debian machine lacks, so both commands work with nothing prepared.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root (or sudo) to run: $*" >&2; return 1; fi
}

apt_updated=""
ensure_debian_packages() {
  # ensure_debian_packages pkg...: installs those not installed yet.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}"
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_venv() {
  # ensure_venv [extra]: a virtual environment with the project and its extras installed.
  local extra="${1:-}"
  if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV" 2>/dev/null || { ensure_debian_packages python3-venv && python3 -m venv "$VENV"; }
  fi
  local spec="$ROOT"
  [ -n "$extra" ] && spec="$ROOT[$extra]"
  "$PY" -m pip install -q --disable-pip-version-check -e "$spec"
}

VNU_PACKAGE="vnu-jar@26.9.27"
ensure_vnu() {
  # The Nu HTML Checker for tests/conformance: Java (Debian's default-jre-headless if java is absent)
  # and vnu.jar from the npm registry, in var/vnu/ (the test looks there, or at $VNU_JAR).
  command -v java >/dev/null || ensure_debian_packages default-jre-headless
  command -v npm >/dev/null || ensure_debian_packages npm
  local jar="$ROOT/var/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
  if [ ! -f "$jar" ]; then
    mkdir -p "$ROOT/var/vnu"
    npm install --prefix "$ROOT/var/vnu" --no-audit --no-fund --silent "$VNU_PACKAGE" >/dev/null
  fi
  [ -f "$jar" ] || { echo "vnu.jar missing after npm install" >&2; return 1; }
}

free_port() {
  "$PY" - <<'PYEOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PYEOF
}

start_postgres() {
  # Starts a throw-away PostgreSQL cluster on loopback and exports DATABASE_URL_POSTGRES.
  ensure_debian_packages postgresql
  local pgbin
  pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  PGDIR="$(mktemp -d)"
  PGPORT="$(free_port)"
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$PGDIR"
    PGRUN=(runuser -u postgres --)
  else
    PGRUN=()
  fi
  "${PGRUN[@]}" "$pgbin/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${PGRUN[@]}" "$pgbin/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c synchronous_commit=off -c max_connections=200" \
    start >/dev/null
  PG_CTL="$pgbin/pg_ctl"
  export DATABASE_URL_POSTGRES="postgres://postgres@127.0.0.1:$PGPORT/strategia"
  echo "PostgreSQL started on 127.0.0.1:$PGPORT"
}

stop_postgres() {
  [ -n "${PGDIR:-}" ] || return 0
  "${PGRUN[@]}" "$PG_CTL" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
