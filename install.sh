#!/usr/bin/env bash
# Install everything crystal_design needs on a fresh Debian/Ubuntu machine, from the repository root.
#   * system packages: libxc-dev + libopenmpi-dev (GPAW compiles against them), quantum-espresso (pw.x, ld1.x);
#   * torch 2.13.0 CPU first (plain `torch` would pull a multi-GB CUDA build; set TORCH_INDEX_URL, e.g.
#     https://download.pytorch.org/whl/cpu, on machines without a local CPU wheel);
#   * the package itself, editable, with its dev tools (nbdev 2.4.14, pytest, ...).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
APT_PACKAGES="libxc-dev libopenmpi-dev openmpi-bin quantum-espresso"
missing=$(for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  command -v apt-get >/dev/null 2>&1 || { echo "install.sh: need the Debian/Ubuntu packages: $missing"; exit 1; }
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi
if ! $PY -c "import torch, sys; sys.exit(0 if torch.__version__.startswith('2.13.0') else 1)" 2>/dev/null; then
  $PY -m pip install -q ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"} "torch==2.13.0"
fi
$PY -m pip install -q -e ".[dev,dft]"
$PY -c "import crystal_design, torch; print(f'crystal_design {crystal_design.__version__} installed (torch {torch.__version__})')"
