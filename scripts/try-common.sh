# Shared helpers for scripts/try-*.sh: try ailab, as a user would, against a real server other
# than LM Studio. Sourced, not run. Not part of CI (.ci/run): the servers take minutes to install.
#
# What the scripts need:
#   - python3 (3.9 or newer) with venv and pip: each server goes in its own venv under $VENVS
#     (default /work/venvs, or set VENVS), created on first use;
#   - the small model (SmolLM2-135M, about 90 MB) in $LOCAL_LLM_CACHE (default ~/.cache/local-llm),
#     and for LiteLLM llama.cpp's llama-server built there: `local-llm start` (../shared/tools/)
#     fetches and builds both once;
#   - the release build of ailab (built here when missing).
# Everything the scripts start is stopped when they end, however they end.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENVS=${VENVS:-/work/venvs}
CACHE=${LOCAL_LLM_CACHE:-$HOME/.cache/local-llm}
MODEL_FILE=$CACHE/SmolLM2-135M-Instruct.Q4_1.gguf
LLAMA_SERVER=$CACHE/llama.cpp/build/bin/llama-server
# Extra arguments for llama-server, e.g. LLAMA_ARGS=--no-repack on a virtual machine whose CPU
# reports AMX without the kernel enabling it (llama-server then dies with SIGILL at its first reply).
read -r -a LLAMA_EXTRA <<<"${LLAMA_ARGS:-}"
# The model id every script serves, so the default hierarchy works unchanged.
MODEL_ID=phi-3.1-mini-4k-instruct
# The ailab binary: the release build by default, or any other (AILAB=target/debug/ailab).
AILAB=${AILAB:-$ROOT/target/release/ailab}
# One folder for everything a try leaves behind: logs, the hierarchy copy, the record.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ailab-try.XXXXXX")
STARTED_PIDS=()

say() { printf '\n==> %s\n' "$*"; }
fail() {
    printf '\n%s: FAILED: %s\n' "$(basename "$0")" "$*" >&2
    exit 1
}

# Stops everything this script started (by the process ids it recorded), on any exit.
stop_all() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${STARTED_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    STARTED_PIDS=()
}
trap stop_all EXIT

need_model() {
    [[ -f $MODEL_FILE ]] ||
        fail "the model $MODEL_FILE is missing: run \`local-llm start\` once (it downloads it), or set LOCAL_LLM_CACHE"
}

need_llama_server() {
    [[ -x $LLAMA_SERVER ]] ||
        fail "llama-server is not built at $LLAMA_SERVER: run \`local-llm start\` once (it builds it), or set LOCAL_LLM_CACHE"
}

need_ailab() {
    if [[ ! -x $AILAB && $AILAB == "$ROOT/target/release/ailab" ]]; then
        say "building ailab (cargo build --release)"
        (cd "$ROOT" && cargo build --release) || fail "cargo build --release failed"
    fi
    [[ -x $AILAB ]] || fail "no ailab binary at $AILAB"
}

# make_venv NAME MODULE REQUIREMENT...: the venv $VENVS/NAME, with the requirements installed
# once (when MODULE does not import yet).
make_venv() {
    local dir=$VENVS/$1 module=$2
    shift 2
    if [[ ! -x $dir/bin/python ]] || ! "$dir/bin/python" -c "import $module" 2>/dev/null; then
        say "installing $* into $dir (once; llama-cpp-python compiles llama.cpp, 10 minutes or more)"
        python3 -m venv "$dir" || fail "python3 -m venv failed (Debian/Ubuntu: apt-get install python3-venv)"
        "$dir/bin/pip" install -q "$@" || fail "pip install $* failed"
    fi
}

# start NAME COMMAND...: runs COMMAND in the background, its output in $WORK/NAME.log.
start() {
    local name=$1
    shift
    "$@" >"$WORK/$name.log" 2>&1 </dev/null &
    STARTED_PIDS+=("$!")
    LAST_PID=$!
}

# wait_for URL SECONDS [HEADER]: until URL answers 200, or fail with the server's log.
wait_for() {
    local url=$1 secs=$2 header=${3:-}
    local i
    for ((i = 0; i < secs; i++)); do
        if curl -sf -m 2 ${header:+-H "$header"} "$url" >/dev/null 2>&1; then
            return 0
        fi
        sleep 1
    done
    fail "$url did not answer within $secs s (logs in $WORK)"
}

# hierarchy_for BASE_URL [API_KEY_ENV]: a copy of the repository's hierarchy.toml pointed at
# BASE_URL (and naming the key's variable), written to $WORK/hierarchy.toml.
hierarchy_for() {
    local file=$WORK/hierarchy.toml
    sed -e "s|^base_url = .*|base_url = \"$1\"|" "$ROOT/hierarchy.toml" >"$file"
    if [[ -n ${2:-} ]]; then
        sed -i -e "s|^# api_key_env = .*|api_key_env = \"$2\"|" "$file"
        grep -q "^api_key_env = \"$2\"" "$file" || fail "could not set api_key_env in $file"
    fi
    grep -q "^base_url = \"$1\"" "$file" || fail "could not set base_url in $file"
    echo "$file"
}

# ailab ARGS...: the release binary with the hierarchy copy and a private config and record.
ailab() {
    AILAB_CONFIG_DIR=$WORK/config AILAB_DATA_DIR=$WORK/data AILAB_HIERARCHY=$WORK/hierarchy.toml \
        "$AILAB" "$@"
}

# try_ailab: the checks a user would run first, then one question; fails on the first that fails.
try_ailab() {
    say "ailab check"
    ailab check || fail "ailab check"
    say "ailab check --deep"
    ailab check --deep || fail "ailab check --deep"
    say "ailab ask \"Why do cats purr?\""
    ailab ask "Why do cats purr?" || fail "ailab ask"
    say "the run as recorded"
    ailab history list | head -3
}
