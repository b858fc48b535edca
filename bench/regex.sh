#!/usr/bin/env bash
# glibc regexec vs Swift Regex on process-name-like strings: why psfilter's `~` uses glibc.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
swiftc -O bench/regex/main.swift -o bench/out/regex-bench
bench/out/regex-bench
