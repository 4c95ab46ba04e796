#!/usr/bin/env bash
# All dedup benchmarks, side by side with datasketch and minhash (npm); each prints one JSON line.
# Usage: bench/dedup/run.sh [--quick]   (--quick: 200k records for the memory bench instead of 1M)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
if [ -f scripts/node22.sh ]; then source scripts/node22.sh; fi
bench/dedup/setup-datasketch.sh
records=1000000
if [ "${1:-}" = "--quick" ]; then records=200000; fi
node bench/dedup/sign.bench.ts
node bench/dedup/rmse.bench.ts
node bench/dedup/quality.bench.ts
node bench/dedup/e2e.bench.ts
node bench/dedup/memory.bench.ts --records "$records"
