#!/usr/bin/env bash
# Builds LatentForge and starts it on the shipped default models.
# Usage: scripts/run.sh [--cli COMMAND ARGS...] | [GUI ARGS...]
#   scripts/run.sh                           the desktop app
#   scripts/run.sh --cli inspect part.stl    the headless CLI (same jobs as the GUI)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" >&2
build_dir=${LF_BUILD_DIR:-$root/build}
if [ "${1:-}" = "--cli" ]; then
  shift
  exec "$build_dir/app/cli/latentforge-cli" "$@"
fi
exec "$build_dir/app/gui/latentforge" "$@"
