#!/usr/bin/env bash
# Fuzz a parser with libFuzzer: bench/fuzz.sh TARGET SECONDS
#   TARGET: record (RecordParser), query (the query lexer, parser and evaluator) or procstat
#   (the /proc stat, status, io, smaps_rollup, cgroup and statm parsers) or regex (the query's
#   regular-expression engine, with glibc's regexec as the oracle where both apply)
# Builds Tests/Fuzz/<Target>ParserFuzz.swift with every PSCore source into one instrumented binary
# (swiftc -sanitize=$sanitizers), then runs it on the corpus Tests/Fixtures/fuzz/TARGET/,
# which it grows; afterwards the corpus is merged back to a small set (-merge=1) so it stays
# committable. A crash leaves crash-* in bench/out/fuzz/ and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: bench/fuzz.sh record|query|procstat|regex SECONDS}
seconds=${2:-60}
case $target in
    record) harness=Tests/Fuzz/RecordParserFuzz.swift; sanitizers=fuzzer,address ;;
    query) harness=Tests/Fuzz/QueryParserFuzz.swift; sanitizers=fuzzer,address ;;
    procstat) harness=Tests/Fuzz/ProcParsersFuzz.swift; sanitizers=fuzzer,address ;;
    regex) harness=Tests/Fuzz/RegexEngineFuzz.swift; sanitizers=fuzzer,address ;;
    *) echo "unknown target '$target' (record, query, procstat or regex)" >&2; exit 2 ;;
esac
out=bench/out/fuzz
corpus=Tests/Fixtures/fuzz/$target
mkdir -p "$out" "$corpus"
bin=$out/fuzz-$target
# Rebuilt only when a source is newer than the binary.
if [ ! -x "$bin" ] || [ -n "$(find Sources/PSCore "$harness" -newer "$bin" -name '*.swift' | head -1)" ]; then
    swiftc -sanitize=$sanitizers -parse-as-library -O -module-name PSCore \
        $(find Sources/PSCore -name '*.swift') "$harness" -o "$bin" 2>&1 | grep -v 'Cannot export local symbol' >&2 || true
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dict=()
[ "$target" = query ] && dict=(-dict=bench/fuzz-query.dict)
[ "$target" = regex ] && dict=(-dict=bench/fuzz-regex.dict)
"$bin" "${dict[@]}" -artifact_prefix="$out/" -max_total_time="$seconds" -max_len=512 -timeout=5 \
    -print_final_stats=1 "$scratch" "$corpus"
# Keep only inputs that add coverage, so the committed corpus stays small.
merged=$(mktemp -d)
"$bin" -merge=1 "$merged" "$corpus" "$scratch" 2>/dev/null
rm -f "$corpus"/*
cp "$merged"/* "$corpus"/
rm -rf "$merged"
# Cap what is committed: an even spread over the sizes, at most 300 inputs.
n=$(ls "$corpus" | wc -l)
if [ "$n" -gt 300 ]; then
    ls -S "$corpus" | awk -v k=$(( (n + 299) / 300 )) 'NR % k != 0' | (cd "$corpus" && xargs rm -f)
fi
echo "corpus: $(ls "$corpus" | wc -l) files in $corpus"
