#!/usr/bin/env bash
# Tries ailab, as a user would, against llama-cpp-python's own OpenAI-compatible server (PyPI
# `llama-cpp-python[server]`) serving the small model as phi-3.1-mini-4k-instruct: `ailab check`,
# `ailab check --deep` and `ailab ask`, then stops the server. Not part of CI. See try-common.sh
# for what it needs.
#
# Usage: scripts/try-llama-cpp-python.sh [PORT]     (default 8001)
source "$(dirname "$0")/try-common.sh"
PORT=${1:-8001}
# The model's context: the split prompt and a 700-token synthesis need more than the default 2048.
N_CTX=${N_CTX:-8192}
# llama-cpp-python answers one request at a time and, by default, ends the stream it is writing
# (with [DONE] and no text) as soon as another request arrives: siblings asking at once cut each
# other off. Off, the others wait their turn.
INTERRUPT=${INTERRUPT:-False}

need_model
need_ailab
make_venv lcp llama_cpp 'llama-cpp-python[server]'

say "starting llama-cpp-python on 127.0.0.1:$PORT (n_ctx $N_CTX)"
start llama-cpp-python "$VENVS/lcp/bin/python" -m llama_cpp.server --model "$MODEL_FILE" \
    --model_alias "$MODEL_ID" --host 127.0.0.1 --port "$PORT" --n_ctx "$N_CTX" \
    --interrupt_requests "$INTERRUPT"
wait_for "http://127.0.0.1:$PORT/v1/models" 120
hierarchy_for "http://127.0.0.1:$PORT/v1" >/dev/null

try_ailab
say "llama-cpp-python: every step passed (logs and record in $WORK)"
