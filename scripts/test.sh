#!/usr/bin/env bash
# Builds LatentForge and runs the whole test suite (GUI tests under Xvfb with Mesa llvmpipe).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
build_dir=${LF_BUILD_DIR:-$root/build}
export LIBGL_ALWAYS_SOFTWARE=1
cd "$build_dir"
xvfb-run -a -s "-screen 0 1280x1024x24" \
  ctest --output-on-failure --timeout 900 -j "${LF_TEST_JOBS:-2}" "$@"
