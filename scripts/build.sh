#!/usr/bin/env bash
# Configures and builds LatentForge (Release by default) into ./build.
# Usage: scripts/build.sh [--debug] [--no-deps] [extra cmake args]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_type=Release
install_deps=1
extra=()
for a in "$@"; do
  case "$a" in
    --debug) build_type=Debug ;;
    --no-deps) install_deps=0 ;;
    *) extra+=("$a") ;;
  esac
done
((install_deps)) && "$root/scripts/install-deps.sh"
build_dir=${LF_BUILD_DIR:-$root/build}
export CCACHE_BASEDIR=$root CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=$build_type "${extra[@]}" >/dev/null
# Torch translation units need ~1.5 GB each; 2 jobs fit every supported machine.
cmake --build "$build_dir" --parallel "${LF_JOBS:-$(nproc)}"
