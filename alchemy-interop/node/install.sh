#!/usr/bin/env bash
# Install the pinned real Alchemy (npm alchemy@0.94.0), and the @aws-sdk/client-s3 its S3StateStore
# needs, into ./node_modules of this directory, exactly as recorded in package-lock.json
# (npm ci --ignore-scripts).
#
# Idempotent: a stamp (sha256 of package.json + package-lock.json) inside node_modules makes a
# re-run a no-op when nothing changed and node_modules/alchemy is still 0.94.0.
#
#   ./install.sh           # install if needed
#   ./install.sh --force   # reinstall
#
# Exit status: 0 = installed (or already up to date); non-zero = Node too old, npm failed, or the
# installed package is not the pinned version / cannot be imported (message on stderr).
# Needs the npm registry on first run only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

want_alchemy="0.94.0"
stamp="node_modules/.interop-install-stamp"

die() {
  echo "install.sh: $*" >&2
  exit 1
}

if ! command -v node >/dev/null 2>&1; then
  # A build without Node builds and tests everything else; .ci/run sets ALCHEMY_REQUIRE_NODE=1.
  [ "${ALCHEMY_REQUIRE_NODE:-}" != "1" ] || die "node not found on PATH (Node >= 20 required; ALCHEMY_REQUIRE_NODE=1)"
  echo "install.sh: SKIPPED: node is not on PATH, so nothing is installed and the interop tests (they run the real Alchemy) are skipped; install Node.js >= 20 to run them (.ci/run requires it)" >&2
  exit 0
fi
command -v npm >/dev/null 2>&1 || die "npm not found on PATH"
node_major=$(node -p 'process.versions.node.split(".")[0]') || die "cannot run node"
if [ "$node_major" -lt 20 ]; then
  die "Node >= 20 required (found $(node --version))"
fi
[ -f package.json ] || die "package.json missing in $(pwd)"
[ -f package-lock.json ] || die "package-lock.json missing in $(pwd) (run 'npm install --ignore-scripts' once to create it)"

hash_inputs() {
  cat package.json package-lock.json | sha256sum | cut -d' ' -f1
}

installed_version() {
  node -p 'require("./node_modules/alchemy/package.json").version' 2>/dev/null || true
}

if [ "${1:-}" != "--force" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(hash_inputs)" ] \
   && [ "$(installed_version)" = "$want_alchemy" ]; then
  echo "install.sh: alchemy $want_alchemy already installed (stamp matches) - nothing to do" >&2
  exit 0
fi

export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
echo "install.sh: npm ci --ignore-scripts" >&2
rm -f "$stamp"
npm ci --ignore-scripts --loglevel=error >&2 || die "npm ci failed (is the npm registry reachable?)"

got=$(installed_version)
[ "$got" = "$want_alchemy" ] || die "expected alchemy $want_alchemy, got '${got:-nothing}'"

# Smoke check: the engine, the fs resources, the FileSystemStateStore (as deploy.mjs loads it), and
# the S3StateStore of "alchemy/aws" with the S3 client it needs (@aws-sdk/client-s3, an optional
# peer dependency of alchemy, pinned in package.json) import.
ALCHEMY_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 node --input-type=module -e '
  const { default: alchemy, Resource } = await import("alchemy");
  const { File, Folder } = await import("alchemy/fs");
  const { FileSystemStateStore } = await import(
    new URL("./state/file-system-state-store.js", import.meta.resolve("alchemy")).href);
  const { S3StateStore } = await import("alchemy/aws");
  const { S3Client, HeadObjectCommand } = await import("@aws-sdk/client-s3");
  if (typeof alchemy !== "function" || typeof Resource !== "function" || typeof File !== "function"
      || typeof Folder !== "function" || typeof FileSystemStateStore?.prototype?.set !== "function"
      || typeof S3StateStore?.prototype?.set !== "function" || typeof S3Client !== "function"
      || typeof HeadObjectCommand !== "function")
    throw new Error("unexpected alchemy exports");
' >&2 || die "alchemy $got installed but does not import correctly"

hash_inputs > "$stamp"
echo "install.sh: ok (alchemy $got, $(node --version))" >&2
