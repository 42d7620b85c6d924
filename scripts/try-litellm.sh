#!/usr/bin/env bash
# Tries ailab, as a user would, through LiteLLM's proxy (PyPI `litellm[proxy]`) routing one model
# name to two llama.cpp servers (scripts/litellm.yaml): `ailab check`, `check --deep` and `ask`;
# then a missing key; then one server stopped in the middle of a run, which must either complete
# through the other server or fail saying what happened. Stops everything it started. Not part
# of CI. See try-common.sh for what it needs.
#
# Usage: scripts/try-litellm.sh      (ports 8101 and 8102 for llama-server, 4000 for LiteLLM)
source "$(dirname "$0")/try-common.sh"
PROXY=http://127.0.0.1:4000

need_model
need_llama_server
need_ailab
# prisma only so that LiteLLM can say "No api key passed in" (without it: a bare 500).
make_venv litellm litellm.proxy.proxy_server 'litellm[proxy]' prisma

for port in 8101 8102; do
    say "starting llama-server on 127.0.0.1:$port"
    start "llama-$port" "$LLAMA_SERVER" -m "$MODEL_FILE" --alias "$MODEL_ID" --host 127.0.0.1 \
        --port "$port" -np 2 -c 8192 "${LLAMA_EXTRA[@]}"
    [[ $port == 8101 ]] && FIRST_SERVER=$LAST_PID
done
for port in 8101 8102; do wait_for "http://127.0.0.1:$port/v1/models" 120; done

export LITELLM_MASTER_KEY=${LITELLM_MASTER_KEY:-sk-ailab-try-$RANDOM$RANDOM}
say "starting LiteLLM on $PROXY"
start litellm "$VENVS/litellm/bin/litellm" --config "$ROOT/scripts/litellm.yaml" --host 127.0.0.1 --port 4000
wait_for "$PROXY/health/liveliness" 180
hierarchy_for "$PROXY/v1" LITELLM_MASTER_KEY >/dev/null

try_ailab

say "ailab check without the key (must fail and say so)"
if out=$(LITELLM_MASTER_KEY='' ailab check 2>&1); then
    fail "ailab check passed without the key"
fi
echo "$out" | grep "API key" || fail "ailab check without the key did not name the key: $out"

say "one server stopped in the middle of a run"
ailab ask "What is the best way to learn a new language as an adult?" >"$WORK/ask.out" 2>"$WORK/ask.err" &
ASK=$!
# Stop the first server once it is generating for this run (or after 60 s at most).
lines=$(wc -l <"$WORK/llama-8101.log")
for _ in $(seq 120); do
    tail -n +"$((lines + 1))" "$WORK/llama-8101.log" | grep -q "launch_slot\|slot update" && break
    sleep 0.5
done
kill "$FIRST_SERVER"
say "stopped the server on port 8101 (pid $FIRST_SERVER)"
status=0
wait "$ASK" || status=$?
cat "$WORK/ask.err"
ailab history list | head -3
case $status in
    0) say "the run completed through the other server (its status is in the list above)" ;;
    1) grep -q "ailab: " "$WORK/ask.err" || fail "the run failed without saying why"
       say "the run failed and said why (above)" ;;
    *) fail "ailab ask exited $status" ;;
esac
say "LiteLLM: every step passed (logs and record in $WORK)"
