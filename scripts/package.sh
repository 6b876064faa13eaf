#!/usr/bin/env bash
# Builds LatentForge and its Debian installer package (build/latentforge_<version>_amd64.deb).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
cd "${LF_BUILD_DIR:-$root/build}"
cpack -G DEB
