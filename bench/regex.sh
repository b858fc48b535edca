#!/usr/bin/env bash
# The query's `~` engine (a lazy DFA, linear in the text) against glibc's regexec and Swift's
# Regex, side by side: common patterns (matches per second, ratio ours / glibc) and the
# pathological 'a.*b' on a long run of 'a' (glibc's backtracking is quadratic).
#     bench/regex.sh [MATCHES]      (default 1000000 per pattern and engine)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
swiftc -O -module-name RegexBench bench/regex/main.swift bench/regex/shim.swift Sources/PSCore/Query/Regex/*.swift \
    -o bench/out/regex-bench
bench/out/regex-bench "$@"
