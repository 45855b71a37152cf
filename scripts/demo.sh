#!/usr/bin/env bash
# The README's demo: what `make demo` runs once the release binary is built.
set -euo pipefail
cd "$(dirname "$0")/.."
target/release/calnet inspect fixtures/lc
