#!/usr/bin/env bash
# Installs the Debian bookworm packages LatentForge builds, runs and tests with, when missing.
set -euo pipefail

packages=(
  # toolchain
  cmake g++ ninja-build ccache pkg-config
  # Qt 6: Widgets, OpenGL widgets, Test, moc/rcc
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev libgl-dev
  # VTK 9 (only its non-Qt modules are used) and the MPI files its CMake config needs
  libvtk9-dev libopenmpi-dev
  # geometry, mesh I/O, ML
  libopen3d-dev libassimp-dev libtorch-dev
  # optimized BLAS for LibTorch: without it Debian falls back to reference BLAS (25x slower)
  libopenblas0-pthread
  # JSON, command line
  nlohmann-json3-dev libcli11-dev
  # SHA-256 of model weight files (libcrypto)
  libssl-dev
  # headless GUI tests: X server, Mesa's llvmpipe
  xvfb xauth libgl1-mesa-dri
  # independent reference checks (Python PyTorch / Open3D under /usr/bin/python3)
  python3-torch python3-open3d
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
