#!/usr/bin/env bash
# Tries ailab, as a user would, against llama-cpp-python's own OpenAI-compatible server (PyPI
# `llama-cpp-python[server]`) serving the small model as phi-3.1-mini-4k-instruct: `ailab check`,
# `ailab check --deep` and `ailab ask`, then stops the server. Not part of CI. See try-common.sh
# for what it needs.
#
# Usage: scripts/try-llama-cpp-python.sh [PORT]     (default 8201)
#
# The server runs with its own defaults, as a user would start it first, unless told otherwise:
#   N_CTX=8192          its context (default 2048). A prompt as long as the context fails after
#                       the 200 ("Requested tokens (N) exceed context window of 2048" in its log);
#                       ailab asks a split again shorter and says so.
#   INTERRUPT=False     its --interrupt_requests (default True): it ends a stream with [DONE] as
#                       soon as another request waits, so siblings asking at once cut each other
#                       off; ailab asks such a call again and sends that server one request at a
#                       time from then on.
# Its log is kept in the try's folder (printed at the end): the reason for a failure is only there.
source "$(dirname "$0")/try-common.sh"
PORT=${1:-8201}
SERVER_ARGS=()
[[ -n ${N_CTX:-} ]] && SERVER_ARGS+=(--n_ctx "$N_CTX")
[[ -n ${INTERRUPT:-} ]] && SERVER_ARGS+=(--interrupt_requests "$INTERRUPT")

need_model
need_ailab
make_venv llama-cpp-python llama_cpp 'llama-cpp-python[server]'
"$VENVS/llama-cpp-python/bin/python" -c 'import llama_cpp; print("llama-cpp-python", llama_cpp.__version__)'

say "starting llama-cpp-python on 127.0.0.1:$PORT ${SERVER_ARGS[*]:-(its defaults)}"
start llama-cpp-python "$VENVS/llama-cpp-python/bin/python" -m llama_cpp.server --model "$MODEL_FILE" \
    --model_alias "$MODEL_ID" --host 127.0.0.1 --port "$PORT" "${SERVER_ARGS[@]}"
wait_for "http://127.0.0.1:$PORT/v1/models" 120
hierarchy_for "http://127.0.0.1:$PORT/v1" >/dev/null

try_ailab
say "llama-cpp-python: every step passed (its log: $WORK/llama-cpp-python.log; record in $WORK)"
