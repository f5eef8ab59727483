#!/usr/bin/env bash
# Asset-matching benchmark: 1,000 assets synthesised from the real SBOMs,
# lockfiles and package lists (see bench/assets/main.go for exactly how)
# are parsed (the floor), stored, matched against the whole imported
# corpus with their findings reconciled, and re-matched, in one run on
# this machine. Prints a table: seconds (median of RUNS), CPU seconds,
# components, components/s, ratio to the floor, findings opened, peak Go
# heap; then findings and peak RSS. On a shared machine wall time swings
# with the other load; the ratio to the floor of the same run, and CPU
# time, swing less. Needs /usr/bin/time (Debian package "time").
#
#   bench/assets.sh                      # 3 runs of 1,000 assets
#   RUNS=1 ASSETS=200 bench/assets.sh    # a quick look
#   PROFILE=1 bench/assets.sh            # and one more run with a CPU
#                                        # profile of phase C, summarised
#
# The corpus (`vmc import` of the whole shared data tree, or of CORPUS) is
# imported once into bench/out/assets/corpus and reused while the SQLite
# migrations and the inputs are unchanged; delete that directory to force
# a fresh import (after changing how records are imported, say). Every run
# starts from a copy of it, so runs do not see each other's assets.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${VMC_SHARED_DATA:-../shared/data}
runs=${RUNS:-3}
assets=${ASSETS:-1000}
corpus=${CORPUS:-$data}
out=bench/out/assets
mkdir -p "$out"
go build -o "$out/vmc" ./cmd/vmc
go build -o "$out/assets" ./bench/assets
gomodcache=$(go env GOMODCACHE)

# The corpus, imported once. `vmc import` exits 4 when some records were
# rejected: the shared tree holds validator test vectors that must be.
stamp=$( (echo "$corpus"; cat internal/store/sqlite/migrations/*.sql) | sha256sum | cut -c1-16)
if [ "$(cat "$out/corpus/stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$out/corpus"
  rc=0
  /usr/bin/time -f "%e %M" -o "$out/corpus-time.txt" \
    "$out/vmc" import --data-dir "$out/corpus" "$corpus" > "$out/corpus.log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then tail "$out/corpus.log"; exit "$rc"; fi
  echo "$stamp" > "$out/corpus/stamp"
fi
corpus_stats=$("$out/vmc" stats --data-dir "$out/corpus" 2>/dev/null | head -3 | tr '\n' ' ' || true)

# once [FLAG...]: one run of the program on a fresh copy of the corpus;
# prints its log's path. The copy is made before the clock starts.
once() {
  rm -rf "$out/work"; mkdir -p "$out/work"
  cp "$out/corpus"/vmc.db* "$out/work/"
  local log=$out/run-$1.log; shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$out/assets" -db "$out/work/vmc.db" -data "$data" \
    -gomodcache "$gomodcache" -assets "$assets" "$@" > "$log" 2>&1 || { cat "$log"; exit 1; }
  read -r secs kib < "$out/time.txt"
  echo "rss_kib $kib wall $secs" >> "$log"
}

for i in $(seq "$runs"); do once "$i"; done

# median FIELD LINE-PREFIX: the median over the runs' logs of the value
# after FIELD on the line starting with LINE-PREFIX.
median() {
  for i in $(seq "$runs"); do
    awk -v p="$2" -v f="$1" 'index($0, p) == 1 { for (j = 1; j < NF; j++) if ($j == f) print $(j+1) }' "$out/run-$i.log"
  done | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
floor=$(median seconds "phase A ")

row() { # label phase
  local p="phase $2 "
  awk -v l="$1" -v s="$(median seconds "$p")" -v c="$(median cpu_seconds "$p")" -v n="$(median components "$p")" \
    -v o="$(median opened "$p")" -v h="$(median peak_heap_mib "$p")" -v f="$floor" 'BEGIN {
    printf "%-24s %8.2f %8.2f %11d %13.0f %7.2fx %8d %8.0f MiB\n", l, s, c, n, n/s, s/f, o, h }'
}
echo "assets: $assets from $(tail -1 <("$out/assets" -list -data "$data" -gomodcache "$gomodcache"))"
echo "corpus: $corpus ($corpus_stats)"
echo "runs: $runs (median of each figure; peak RSS is the largest)"
echo "per run (wall s): $(for i in $(seq "$runs"); do awk '/^phase/ {t[$2]=$4; printf "%s=%s ", $2, $4} END {printf "C/A=%.1fx | ", t["C"]/t["A"]}' "$out/run-$i.log"; done)"
printf "%-24s %8s %8s %11s %13s %8s %8s %12s\n" "" "seconds" "CPU s" "components" "components/s" "/floor" "opened" "peak heap"
row "A parse (floor)" A
row "B store components" B
row "C match + reconcile" C
row "D re-match" D
for i in $(seq "$runs"); do awk '$1 == "rss_kib" {print $2}' "$out/run-$i.log"; done | sort -n |
  awk '{a[NR]=$1} END {printf "peak RSS: %.0f MiB (median %.0f MiB)\n", a[NR]/1024, a[int((NR+1)/2)]/1024}'
echo "matches (C): $(median matches "phase C "); findings: $(median total "findings ") total, $(median open "findings ") open; problems (C): $(median problems "phase C ")"
awk -v c="$(median seconds "phase C ")" -v d="$(median seconds "phase D ")" -v b="$(median seconds "phase B ")" \
  -v cc="$(median cpu_seconds "phase C ")" -v ca="$(median cpu_seconds "phase A ")" \
  'BEGIN { printf "C / floor: %.1fx (CPU %.1fx); C / store: %.1fx; D / C: %.2f\n", c/'"$floor"', cc/ca, c/b, d/c }'

if [ -n "${PROFILE:-}" ]; then
  once profile -cpuprofile "$out/phaseC.pprof"
  echo
  echo "CPU profile of phase C ($out/phaseC.pprof; go tool pprof -top $out/assets $out/phaseC.pprof):"
  # Cumulative time of vmc's functions, with the three costs below them
  # that matter most: SQL statement preparation, page reads and JSON.
  go tool pprof -top -cum -nodecount=500 "$out/assets" "$out/phaseC.pprof" 2>/dev/null |
    awk 'NR <= 6 || /vmc-dev|Xsqlite3_prepare_v2|libc.Xpread|encoding\/json.Unmarshal$|runtime.mallocgc$/' |
    sed -E 's/collect\[go\.shape.*$/collect[...]/; s#github.com/vmc-dev/vmc/##' | head -45
fi
