#!/usr/bin/env bash
# Score our server on the dev corpus with ../shared/bench/score.py, from a fresh store.
#   bench/dev_corpus.sh                 # writes bench/results/dev.{json,md} and prints the table
#   CORPUS=dir KINDS=json_api bench/dev_corpus.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
score=${SCORE:-$repo/../shared/bench/score.py}
corpus=${CORPUS:-$repo/../shared/corpus/dev}
out=$repo/bench/results
mkdir -p "$out"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
args=(--server "$repo/.venv/bin/headroom-mcp serve --log-level WARNING" --env "HEADROOM_MCP_HOME=$home"
      --corpus "$corpus" --name headroom-mcp --out "$out/dev.json")
[ -n "${KINDS:-}" ] && args+=(--kinds "$KINDS")
"$repo/.venv/bin/python" "$score" "${args[@]}" | tee "$out/dev.md"
