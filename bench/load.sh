#!/usr/bin/env bash
# API load benchmark: `vmc serve` with the whole shared corpus and 10,000
# synthetic assets, on SQLite and on PostgreSQL, under wrk from a second
# process on loopback, against a floor measured in the same run: a bare
# net/http server (bench/load/floor) answering every request with the
# very bytes vmc answered it with. Prints one markdown table: p50, p99,
# requests/s per endpoint and store, and each figure's ratio to the floor;
# then vmc's RSS at idle and under load, and with REPLICAS=N the same
# endpoints against N replicas of `vmc serve` on the one PostgreSQL.
#
#   bench/load.sh                     # corpus (once), then both stores
#   STORES=sqlite bench/load.sh       # one store
#   DURATION=10s CONNS=8 bench/load.sh
#   REPLICAS=3 bench/load.sh          # also 1..3 replicas on PostgreSQL
#   PROFILE=1 bench/load.sh           # a CPU profile of vmc under each endpoint
#   VMC=/path/to/vmc bench/load.sh    # another build of vmc on the same corpus
#
# The corpus is built once into LOAD_DIR (default /tmp/vmc-load, outside
# the repository: several GiB) and every step is resumable: a step that
# finished leaves a stamp (LOAD_DIR/stamps) and is skipped next time, and
# the assets are added in chunks of 1,000, each stamped. Delete LOAD_DIR
# (or one store's stamps) to build again. Each step's wall time and peak
# RSS go to LOAD_DIR/logs/steps.txt.
#
# Needs wrk (Debian package "wrk"), /usr/bin/time (package "time"), curl
# and the PostgreSQL server binaries (/usr/lib/postgresql/*/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
data=$(cd "${VMC_SHARED_DATA:-../shared/data}" && pwd)
dir=${LOAD_DIR:-/tmp/vmc-load}
stores=${STORES:-sqlite postgres}
duration=${DURATION:-20s}
conns=${CONNS:-16}
threads=${THREADS:-2}
assets=${ASSETS:-10000}
chunk=1000
replicas=${REPLICAS:-1}
pgport=${PGPORT:-55432}
mkdir -p "$dir/bin" "$dir/logs" "$dir/stamps" "$dir/req"
for tool in wrk curl /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "load.sh: $tool not found (apt-get install wrk curl time)" >&2; exit 1; }
done

go build -o "$dir/bin/vmc" ./cmd/vmc
go build -o "$dir/bin/assets" ./bench/assets
# VMC measures another build (an older one, say) on the same corpus.
vmc=${VMC:-$dir/bin/vmc}

# step NAME CMD...: runs CMD once unless NAME is stamped; records its wall
# time and peak RSS. A failed step leaves no stamp and stops the script.
step() {
  local name=$1; shift
  [ -f "$dir/stamps/$name" ] && return 0
  echo "corpus: $name ..." >&2
  local rc=0
  /usr/bin/time -f "%e %M" -o "$dir/logs/$name.time" "$@" > "$dir/logs/$name.log" 2>&1 || rc=$?
  # vmc import exits 4 when it rejected records: the shared tree holds
  # validator test vectors that must be rejected.
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then tail -20 "$dir/logs/$name.log" >&2; exit "$rc"; fi
  read -r secs kib < <(tail -1 "$dir/logs/$name.time")
  printf "%s %-28s %8.1f s %6.0f MiB  %s\n" "$(date -u +%FT%TZ)" "$name" "$secs" "$((kib / 1024))" "$*" >> "$dir/logs/steps.txt"
  touch "$dir/stamps/$name"
}

# PostgreSQL: a cluster of its own in LOAD_DIR, kept between runs (the
# corpus takes long to build), started on PGPORT when not running.
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
# PG_DSN_OPTS adds connection parameters (pool_max_conns=4, say).
pgdsn="postgres://postgres@127.0.0.1:$pgport/vmc?sslmode=disable${PG_DSN_OPTS:+&$PG_DSN_OPTS}"
asuser=()
[ "$(id -u)" = 0 ] && asuser=(runuser -u postgres --)
pg_start() {
  if [ ! -f "$dir/pg/PG_VERSION" ]; then
    mkdir -p "$dir/pg"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/pg"
    "${asuser[@]}" "$pgbin/initdb" -D "$dir/pg" -U postgres -A trust -E UTF8 --locale=C --no-sync > "$dir/logs/initdb.log"
  fi
  "${asuser[@]}" "$pgbin/pg_ctl" -D "$dir/pg" status > /dev/null 2>&1 && return 0
  # Durability is irrelevant to a benchmark corpus that can be rebuilt;
  # the rest is a small production-like setting for a 2-core, 24 GiB box.
  "${asuser[@]}" "$pgbin/pg_ctl" -D "$dir/pg" -l "$dir/pg/server.log" -w start -o \
    "-p $pgport -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
     -c max_connections=200 -c shared_buffers=512MB -c effective_cache_size=4GB -c work_mem=16MB" > /dev/null
  "${asuser[@]}" "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'vmc'" | grep -q 1 ||
    "${asuser[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres vmc
}
pg_stop() { "${asuser[@]}" "$pgbin/pg_ctl" -D "$dir/pg" -m fast stop > /dev/null 2>&1 || true; }

# db STORE: the --db URL of the store's corpus.
db() { if [ "$1" = sqlite ]; then echo "sqlite://$dir/sqlite/vmc.db"; else echo "$pgdsn"; fi; }
# assetdb STORE: the same for bench/assets, which takes a file or a URL.
assetdb() { if [ "$1" = sqlite ]; then echo "$dir/sqlite/vmc.db"; else echo "$pgdsn"; fi; }

# The corpus of one store: every source in the shared data tree (vmc
# import walks it and picks each file's parser), then the assets.
corpus() {
  local st=$1
  mkdir -p "$dir/sqlite"
  step "$st-import" "$vmc" import --db "$(db "$st")" "$data"
  # Once, before the chunks: parallel chunks would race to migrate.
  step "$st-migrate" "$vmc" migrate --db "$(db "$st")"
  # Chunks of assets run JOBS at a time on PostgreSQL, whose writers
  # mostly wait on round trips; SQLite has one writer, so one at a time.
  local jobs=1 running=0
  [ "$st" = postgres ] && jobs=${JOBS:-3}
  for ((first = 0; first < assets; first += chunk)); do
    step "$st-assets-$first" "$dir/bin/assets" -db "$(assetdb "$st")" -data "$data" -repo "$repo" \
      -phases BC -first "$first" -assets "$((assets - first < chunk ? assets - first : chunk))" &
    if ((++running >= jobs)); then wait -n || true; running=$((running - 1)); fi
  done
  wait
  for ((first = 0; first < assets; first += chunk)); do
    [ -f "$dir/stamps/$st-assets-$first" ] || { echo "load.sh: $st: assets from $first failed; see $dir/logs" >&2; exit 1; }
  done
  [ -f "$dir/stamps/$st-token" ] || {
    "$vmc" user add bench --db "$(db "$st")" --role admin > /dev/null 2>&1 || true
    "$vmc" user token bench --db "$(db "$st")" --name load --scope read | tail -1 > "$dir/$st.token"
    touch "$dir/stamps/$st-token"
  }
}

for st in $stores; do
  [ "$st" = postgres ] && pg_start
  # NO_CORPUS=1 measures whatever corpus is there (while it is being
  # built, say): the table then says less than it seems to.
  [ -z "${NO_CORPUS:-}" ] && corpus "$st"
done
echo "corpus ready; steps and timings in $dir/logs/steps.txt" >&2
[ -n "${CORPUS_ONLY:-}" ] && exit 0
go build -o "$dir/bin/load" ./bench/load

# ---- measuring ----------------------------------------------------------
port=${PORT:-18080}
floorport=$((port + 100))
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done; }
trap cleanup EXIT

# start_vmc STORE PORT: vmc serve on the store's corpus; prints its pid.
start_vmc() {
  local cmd=("$vmc")
  [ -n "${PROFILE:-}" ] && cmd=("$dir/bin/load" serve-pprof -pprof "127.0.0.1:$(($2 + 200))" --)
  "${cmd[@]}" serve --db "$(db "$1")" --addr "127.0.0.1:$2" --no-demo --log-level warn > "$dir/logs/serve-$1-$2.log" 2>&1 &
  local pid=$!
  for _ in $(seq 600); do
    curl -fsS "http://127.0.0.1:$2/readyz" > /dev/null 2>&1 && { echo "$pid"; return 0; }
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.5
  done
  tail "$dir/logs/serve-$1-$2.log" >&2
  return 1
}
rss() { awk '$1 == "VmRSS:" {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
hwm() { awk '$1 == "VmHWM:" {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# bench URL ENDPOINT [CONNS THREADS PORTS]: one wrk run; prints
# "p50 p99 rps errors". A short warm-up run comes first, unreported.
bench() {
  local url=$1 ep=$2 c=${3:-$conns} t=${4:-$threads} ports=${5:-} paths="" body="" u=$1
  case $ep in
    querybatch) body=$dir/req/querybatch.json; u=$url/v1/querybatch; c=${BATCH_CONNS:-2}; t=$((c < t ? c : t)) ;;
    *) paths=$dir/req/$ep.txt ;;
  esac
  LOAD_PATHS=$paths LOAD_BODY=$body LOAD_TOKEN=$token LOAD_PORTS=$ports \
    wrk -t"$t" -c"$c" -d3s --timeout 30s -s bench/load/wrk.lua "$u" > /dev/null
  LOAD_PATHS=$paths LOAD_BODY=$body LOAD_TOKEN=$token LOAD_PORTS=$ports \
    wrk -t"$t" -c"$c" -d"$duration" --timeout 30s -s bench/load/wrk.lua "$u" > "$dir/logs/wrk.out"
  awk '$1 == "result" {print $3, $5, $7, $11 + $13}' "$dir/logs/wrk.out"
}

endpoints=(detail search findings querybatch)
declare -A label=([detail]="vulnerability by alias" [search]="search (q=)" [findings]="findings, filtered" [querybatch]="OSV querybatch, 1,000 pkgs")
table=$dir/logs/table.md
{
  echo "| endpoint | store | p50 ms | p99 ms | req/s | floor p50 | floor p99 | floor req/s | p99 / floor | req/s / floor |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
} > "$table"
memory=()
for st in $stores; do
  [ "$st" = postgres ] && pg_start
  token=$(cat "$dir/$st.token")
  pid=$(start_vmc "$st" "$port")
  pids+=("$pid")
  sleep 10
  idle=$(rss "$pid")
  if [ ! -s "$dir/req/querybatch.json" ]; then
    "$dir/bin/load" requests -url "http://127.0.0.1:$port" -token "$token" -out "$dir/req" -assets "$assets" >&2
  fi
  # The floor records this store's answers, so it serves exactly the
  # bytes this vmc serves.
  "$dir/bin/load" floor -addr "127.0.0.1:$floorport" -url "http://127.0.0.1:$port" -token "$token" -dir "$dir/req" > "$dir/logs/floor-$st.log" 2>&1 &
  fpid=$!
  pids+=("$fpid")
  for _ in $(seq 600); do grep -q serving "$dir/logs/floor-$st.log" && break; sleep 0.5; done
  peak=0
  for ep in "${endpoints[@]}"; do
    prof=""
    if [ -n "${PROFILE:-}" ]; then
      curl -fsS -o "$dir/logs/$st-$ep.pprof" "http://127.0.0.1:$((port + 200))/debug/pprof/profile?seconds=15" &
      prof=$!
    fi
    read -r p50 p99 rps errs < <(bench "http://127.0.0.1:$port" "$ep")
    now=$(rss "$pid"); [ "$now" -gt "$peak" ] && peak=$now
    read -r fp50 fp99 frps ferrs < <(bench "http://127.0.0.1:$floorport" "$ep")
    [ -z "$prof" ] || wait "$prof" || true
    [ "$errs" = 0 ] || echo "load.sh: $st $ep: $errs errors or non-2xx answers" >&2
    awk -v l="${label[$ep]}" -v s="$st" -v a="$p50" -v b="$p99" -v r="$rps" -v fa="$fp50" -v fb="$fp99" -v fr="$frps" 'BEGIN {
      printf "| %s | %s | %.1f | %.1f | %.0f | %.2f | %.2f | %.0f | %.1f× | %.4f× |\n", l, s, a, b, r, fa, fb, fr, b / fb, r / fr }' >> "$table"
  done
  memory+=("$st: idle ${idle} MiB after start, ${peak} MiB under load (peak RSS $(hwm "$pid") MiB), idle again $(sleep 10; rss "$pid") MiB")
  kill "$pid" "$fpid"; wait "$pid" "$fpid" 2> /dev/null || true
  pids=()
done

echo
echo "corpus: $("$vmc" stats --db "$(db "$(echo $stores | cut -d' ' -f1)")" 2> /dev/null | head -3 | tr '\n' ' ')"
echo "wrk: $threads threads, $conns connections (querybatch: ${BATCH_CONNS:-2}), $duration per run after a 3 s warm-up; loopback; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
cat "$table"
echo
for m in "${memory[@]}"; do echo "vmc serve RSS, $m"; done

# Replicas: N copies of vmc serve on the one PostgreSQL, wrk's threads
# spread over them round robin (six threads, so 1, 2 and 3 divide them).
if [ "$replicas" -gt 1 ] && [[ " $stores " == *" postgres "* ]]; then
  pg_start
  token=$(cat "$dir/postgres.token")
  echo
  echo "| replicas | endpoint | p50 ms | p99 ms | req/s | errors |"
  echo "|---:|---|---:|---:|---:|---:|"
  for n in $(seq "$replicas"); do
    ports=()
    for i in $(seq "$n"); do
      p=$((port + 10 + i)); ports+=("$p")
      pids+=("$(start_vmc postgres "$p")")
    done
    for ep in detail search findings; do
      read -r p50 p99 rps errs < <(bench "http://127.0.0.1:${ports[0]}" "$ep" 12 6 "$(IFS=,; echo "${ports[*]}")")
      printf "| %d | %s | %.1f | %.1f | %.0f | %d |\n" "$n" "${label[$ep]}" "$p50" "$p99" "$rps" "$errs"
    done
    cleanup; pids=()
  done
fi
