#!/usr/bin/env bash
# Installs what the build and the tests need, idempotently and quickly when it is already there.
#
#   scripts/setup.sh demo    the C toolchain that builds the bundled cfitsio (gcc, make), only
#                            when missing, with sudo when not root; nothing Python.
#   scripts/setup.sh [test]  that, plus the project-local Python venv `.venv` with the pinned
#                            PyTorch (libtorch for tch: `--features torch`, training, CUDA, the
#                            cross-check tests) and the oracles of the cross-check tests (numpy,
#                            scipy, astropy, safetensors), and `.venv/torch`, a link to the
#                            wheel's `torch/` folder, which `.cargo/config.toml` hands to
#                            torch-sys as LIBTORCH.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-test}
case "$mode" in
    demo | test) ;;
    *) echo "usage: $0 [demo|test]" >&2; exit 2 ;;
esac

need_pkgs=()
for pkg in gcc g++ make; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_pkgs+=("$pkg")
done
if [ "$mode" = test ]; then
    dpkg -s python3-venv >/dev/null 2>&1 || need_pkgs+=(python3-venv)
fi
if [ ${#need_pkgs[@]} -gt 0 ] && command -v dpkg >/dev/null; then
    echo "setup: installing Debian packages: ${need_pkgs[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi
[ "$mode" = demo ] && exit 0

stamp=.venv/.requirements.sha256
want=$(sha256sum scripts/requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: creating .venv (PyTorch 2.11.0 is a 4.5 GB download: a few minutes)"
    python3 -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -r scripts/requirements.txt
    echo "$want" > "$stamp"
fi
torch_dir=$(.venv/bin/python -c 'import os, torch; print(os.path.dirname(torch.__file__))')
if [ "$(readlink .venv/torch 2>/dev/null)" != "$torch_dir" ]; then
    ln -sfn "$torch_dir" .venv/torch
fi
