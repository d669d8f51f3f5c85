#!/usr/bin/env bash
# Install the worker's pinned npm dependencies into ./node_modules of this directory, exactly as
# recorded in package-lock.json (npm ci --ignore-scripts): miniflare 4 (runs the worker in workerd
# on 127.0.0.1; 5.x drops durableObjectsPersist) and alchemy 0.94.0 (the real DOFS worker and
# DOStateStore client the tests compare against).
#
# Idempotent: a stamp (sha256 of package.json + package-lock.json) inside node_modules makes a
# re-run a no-op when nothing changed and the pinned versions are still in place.
#
#   ./install.sh           # install if needed
#   ./install.sh --force   # reinstall
#
# Exit status 0 = installed or already up to date; non-zero (message on stderr) = Node too old,
# npm failed, or what was installed is not what the lockfile pins. Needs the npm registry on the
# first run only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

want_alchemy="0.94.0"
want_miniflare="4.20260708.1"
stamp="node_modules/.alchemy-store-do-stamp"

die() {
  echo "install.sh: $*" >&2
  exit 1
}

if ! command -v node >/dev/null 2>&1; then
  # A build without Node builds and tests everything else; .ci/run sets ALCHEMY_REQUIRE_NODE=1.
  [ "${ALCHEMY_REQUIRE_NODE:-}" != "1" ] || die "node not found on PATH (Node >= 20 required; ALCHEMY_REQUIRE_NODE=1)"
  echo "install.sh: SKIPPED: node is not on PATH, so nothing is installed and the Durable Object worker tests (they run the worker in workerd) are skipped; install Node.js >= 20 to run them (.ci/run requires it)" >&2
  exit 0
fi
command -v npm >/dev/null 2>&1 || die "npm not found on PATH"
node_major=$(node -p 'process.versions.node.split(".")[0]') || die "cannot run node"
[ "$node_major" -ge 20 ] || die "Node >= 20 required (found $(node --version))"
[ -f package-lock.json ] || die "package-lock.json missing in $(pwd)"

hash_inputs() {
  cat package.json package-lock.json | sha256sum | cut -d' ' -f1
}

version_of() {
  node -p "require('./node_modules/$1/package.json').version" 2>/dev/null || true
}

if [ "${1:-}" != "--force" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(hash_inputs)" ] \
   && [ "$(version_of alchemy)" = "$want_alchemy" ] && [ "$(version_of miniflare)" = "$want_miniflare" ]; then
  exit 0
fi

export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
echo "install.sh: npm ci --ignore-scripts" >&2
rm -f "$stamp"
npm ci --ignore-scripts --loglevel=error >&2 || die "npm ci failed (is the npm registry reachable?)"

[ "$(version_of alchemy)" = "$want_alchemy" ] || die "expected alchemy $want_alchemy, got '$(version_of alchemy)'"
[ "$(version_of miniflare)" = "$want_miniflare" ] || die "expected miniflare $want_miniflare, got '$(version_of miniflare)'"
[ -f node_modules/alchemy/workers/dofs-state-store.js ] || die "alchemy $want_alchemy has no workers/dofs-state-store.js"
node --input-type=module -e 'const { Miniflare } = await import("miniflare"); if (typeof Miniflare !== "function") throw new Error("no Miniflare");' \
  >&2 || die "miniflare installed but does not import"

hash_inputs > "$stamp"
echo "install.sh: ok (alchemy $want_alchemy, miniflare $want_miniflare, $(node --version))" >&2
