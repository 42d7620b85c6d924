#!/usr/bin/env bash
# The soak (issue 15 §2): 200 runs of `ailab ask` back to back against the in-process mock with a
# random fault per run, 20 more killed with SIGKILL mid-run, then the same 200 runs through one
# long-lived process. It checks the record lost nothing and the process does not grow, and prints
# the figures and the seed. Not run by CI: it takes several minutes.
#
#   scripts/soak.sh                      # a fresh seed, 200 + 20 runs
#   SOAK_SEED=42 scripts/soak.sh         # replay a soak
#   SOAK_RUNS=30 SOAK_KILLS=3 scripts/soak.sh   # a quick try
set -euo pipefail
cd "$(dirname "$0")/.."
# One seed for both halves, so they run the same faults.
export SOAK_SEED="${SOAK_SEED:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}"
echo "soak: SOAK_SEED=$SOAK_SEED SOAK_RUNS=${SOAK_RUNS:-200} SOAK_KILLS=${SOAK_KILLS:-default}"
exec cargo test --test soak -- --ignored --nocapture --test-threads=1 "$@"
