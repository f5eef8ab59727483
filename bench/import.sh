#!/usr/bin/env bash
# Import benchmark: the floor (vmc's parsers decoding every record, storing
# nothing) against `vmc import` into SQLite and into PostgreSQL, and a
# re-import of the unchanged data, all in one run on this machine.
# Prints a table: seconds (median of RUNS), records/s, ratio to the floor,
# peak RSS. Needs /usr/bin/time (Debian package "time") and, for the
# PostgreSQL rows, the PostgreSQL server binaries.
#
#   bench/import.sh                 # cves.zip and the four OSV zips
#   RUNS=1 bench/import.sh FILE...  # other inputs
#   NO_PG=1 bench/import.sh ...     # SQLite only
#   OUT=/tmp/mine bench/import.sh   # binaries and databases elsewhere than
#                                   # bench/out, which other runs may share
set -euo pipefail
cd "$(dirname "$0")/.."
data=${VMC_SHARED_DATA:-../shared/data}
runs=${RUNS:-3}
if [ $# -gt 0 ]; then inputs=("$@"); else
  inputs=("$data/cve5/cves.zip" "$data/osv/Go/all.zip" "$data/osv/crates.io/all.zip" "$data/osv/Bitnami/all.zip" "$data/osv/AlmaLinux/all.zip")
fi
out=${OUT:-bench/out}
mkdir -p "$out"
go build -o "$out/vmc" ./cmd/vmc
go build -o "$out/floor" ./bench/floor
go build -o "$out/pgserver" ./bench/pgserver

# run LABEL CMD...: runs CMD once, records seconds and peak RSS (KiB).
run() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" > "$out/$label.log" 2>&1
  read -r secs kib < "$out/time.txt"
  echo "$secs $kib"
}

# median of the first fields of lines on stdin, with the max of the second
median() { sort -n | awk '{a[NR]=$1; if ($2>m) m=$2} END {print a[int((NR+1)/2)], m}'; }

records=$("$out/floor" "${inputs[@]}" | awk '{print $2}')

floor=$(for i in $(seq "$runs"); do run floor "$out/floor" "${inputs[@]}"; done | median)
# The floor again with the garbage collector set as `vmc import` sets its
# own (importGC in internal/cli/import.go), so that the ratio can be read
# both ways: against decoding as any program would, and at equal GC.
floor_gc=$(for i in $(seq "$runs"); do GOGC=800 GOMEMLIMIT=384MiB run floor-gc "$out/floor" "${inputs[@]}"; done | median)

sqlite_first=$(for i in $(seq "$runs"); do
  rm -rf "$out/sqlite"; run sqlite "$out/vmc" import --data-dir "$out/sqlite" "${inputs[@]}"
done | median)
sqlite_again=$(for i in $(seq "$runs"); do run sqlite-again "$out/vmc" import --data-dir "$out/sqlite" "${inputs[@]}"; done | median)

pg_first="- -"; pg_again="- -"
if [ -z "${NO_PG:-}" ] && coproc PG { "$out/pgserver"; }; then
  if read -r dsn <&"${PG[0]}" && [ -n "$dsn" ]; then
    pg_first=$(run pg "$out/vmc" import --db "$dsn" "${inputs[@]}")
    pg_again=$(run pg-again "$out/vmc" import --db "$dsn" "${inputs[@]}")
  fi
  exec {PG[1]}>&-
  wait "$PG_PID" || true
fi

row() { # label secs kib
  awk -v l="$1" -v s="$2" -v k="$3" -v n="$records" -v f="${floor%% *}" 'BEGIN {
    if (s == "-") { printf "%-28s %8s %12s %8s %10s\n", l, "-", "-", "-", "-"; exit }
    printf "%-28s %8.2f %12.0f %7.2fx %7.0f MiB\n", l, s, n/s, s/f, k/1024 }'
}
echo "inputs: ${inputs[*]}"
echo "records: $records; runs: $runs (median; peak RSS is the largest)"
printf "%-28s %8s %12s %8s %10s\n" "" "seconds" "records/s" "/floor" "peak RSS"
row "floor (parse only)" $floor
row "floor, GOGC 800 as import" $floor_gc
row "import, SQLite" $sqlite_first
row "re-import unchanged, SQLite" $sqlite_again
row "import, PostgreSQL" $pg_first
row "re-import unchanged, PG" $pg_again
awk -v a="${sqlite_again%% *}" -v b="${sqlite_first%% *}" 'BEGIN { printf "re-import / import (SQLite): %.2f\n", a/b }'
awk -v a="${sqlite_first%% *}" -v b="${floor_gc%% *}" 'BEGIN { printf "import / floor at the GC settings of import (SQLite): %.2fx\n", a/b }'
