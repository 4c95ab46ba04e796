#!/usr/bin/env bash
# Installs datasketch (the reference MinHash implementation) into a virtual environment of its own under
# .cache/datasketch (git-ignored). Idempotent.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.cache/datasketch"
if ! "$venv/bin/python" -c 'import datasketch' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check datasketch
fi
"$venv/bin/python" -c 'import datasketch, sys; print(f"datasketch {datasketch.__version__} in {sys.prefix}", file=sys.stderr)'
