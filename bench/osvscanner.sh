#!/usr/bin/env bash
# Peer check against osv-scanner v2.5.0: both tools scan the same inputs
# offline against the same OSV zips, their findings are normalised to sorted
# "ECOSYSTEM:PACKAGE@VERSION VULN" lines (ids compared as alias sets, see
# bench/osvscanner/main.go) and diffed, and a cold scan of each (a new
# process, database already prepared) is timed over RUNS alternating runs.
#
# Setup, not timed as part of a scan: vmc imports the OSV zips into a fresh
# SQLite data dir once (its import time is printed); osv-scanner's local
# database is the same zips laid out as DIR/osv-scalibr/<Ecosystem>/all.zip,
# which osv.dev pre-builds, so it costs nothing here.
#
# osv-scanner runs with --no-call-analysis=all (vmc does no reachability
# analysis; osv-scanner's default tries govulncheck on a go.mod and only
# adds time) and with ScanGoModVersion = true, so that the standard library
# named by a go.mod's toolchain/go directive is matched as vmc matches it
# (osv-scanner drops it by default). Needs osv-scanner v2.5.0 on PATH or in
# OSV_SCANNER:
#   (cd /tmp && go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.5.0)
#
#   bench/osvscanner.sh              # the default inputs below
#   RUNS=9 bench/osvscanner.sh FILE...
#   VMC=/path/to/vmc bench/osvscanner.sh  # a vmc built before, instead of ./cmd/vmc
#   STRESS=1 bench/osvscanner.sh     # also every Go/crates.io range boundary (~5 min more)
# A FILE is scanned under its own base name, which both tools must
# recognise (go.mod, Cargo.lock, *.cdx.json, *.cdx.xml, bom.json, ...).
# Exit status 1 when any input's findings differ; each difference is in
# bench/out/osvscanner/res/<input>.only.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${VMC_SHARED_DATA:-../shared/data}
runs=${RUNS:-5}
zips=(Go crates.io Bitnami AlmaLinux) # the OSV zips in $data/osv; PyPI there is YAML, which osv-scanner cannot load
osv_scanner=${OSV_SCANNER:-$(command -v osv-scanner || echo "$(go env GOPATH)/bin/osv-scanner")}
if [[ $("$osv_scanner" --version 2>/dev/null || true) != *"osv-scanner version: 2.5.0"* ]]; then
  echo "osv-scanner v2.5.0 not found at $osv_scanner; set OSV_SCANNER" >&2
  exit 1
fi

out=bench/out/osvscanner
rm -rf "$out"
mkdir -p "$out/bin" "$out/in" "$out/res" "$out/osvdb/osv-scalibr"
if [ -n "${VMC:-}" ]; then cp "$VMC" "$out/bin/vmc"; else go build -o "$out/bin/vmc" ./cmd/vmc; fi
go build -o "$out/bin/normalise" ./bench/osvscanner
out=$(cd "$out" && pwd)

# secs CMD...: runs CMD once with its output discarded and prints its wall
# seconds; exit codes above 1 fail (osv-scanner exits 1 on findings).
secs() {
  local t0=$EPOCHREALTIME rc=0
  "$@" > /dev/null 2> "$out/time.err" || rc=$?
  local t1=$EPOCHREALTIME
  if [ "$rc" -gt 1 ]; then cat "$out/time.err" >&2; return 1; fi
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# modfile MODULE@VERSION: the module's go.mod from the module cache,
# fetched through the module proxy if it is not there yet.
modfile() { (cd "$out" && GOFLAGS=-mod=mod go mod download -json "$1") | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p'; }
moddir() { (cd "$out" && GOFLAGS=-mod=mod go mod download -json "$1") | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'; }

# stage LABEL FILE NAME: copies FILE to $out/in/LABEL/NAME, the name both
# tools read it by.
declare -a labels=()
stage() {
  mkdir -p "$out/in/$1"
  cp "$2" "$out/in/$1/$3"
  chmod u+w "$out/in/$1/$3"
  labels+=("$1/$3")
}
if [ $# -gt 0 ]; then
  for f in "$@"; do stage "$(basename "$(dirname "$f")")" "$f" "$(basename "$f")"; done
else
  stage vmc go.mod go.mod
  stage osv-scanner-v2.5.0 "$(modfile github.com/google/osv-scanner/v2@v2.5.0)" go.mod
  stage buildkit-v0.23.2 "$(modfile github.com/moby/buildkit@v0.23.2)" go.mod
  stage go-containerregistry-v0.20.6 "$(modfile github.com/google/go-containerregistry@v0.20.6)" go.mod
  for v in 1.6.3 1.8.0; do
    stage proton-bridge-v$v-json "$data/cyclonedx/examples/SBOM/proton-bridge/proton-bridge-v$v.bom.json" proton-bridge-v$v.cdx.json
  done
  stage proton-bridge-v1.8.0-xml "$data/cyclonedx/examples/SBOM/proton-bridge/proton-bridge-v1.8.0.bom.xml" proton-bridge-v1.8.0.cdx.xml
  # crates.io: the only Cargo.lock files at hand are osv-scanner's own
  # test data (a 33-crate project, and a small one with known findings).
  osvs=$(moddir github.com/google/osv-scanner/v2@v2.5.0)
  stage cargo-test-image "$osvs/cmd/osv-scanner/scan/image/testdata/test-image-with-deprecated/Cargo.lock" Cargo.lock
  stage cargo-deprecated-vuln "$osvs/cmd/osv-scanner/scan/source/testdata/exp-plugins-pkgdeprecate/deprecated-vuln/Cargo.lock" Cargo.lock
fi
if [ -n "${STRESS:-}" ]; then
  # Every Go module and crate the zips name, at each range boundary (see
  # bench/osvscanner/boundary): synthetic, large, and timed once only.
  go build -o "$out/bin/boundary" ./bench/osvscanner/boundary
  mkdir -p "$out/in/boundary-Go" "$out/in/boundary-crates.io"
  "$out/bin/boundary" -zip "$data/osv/Go/all.zip" > "$out/in/boundary-Go/go.mod"
  "$out/bin/boundary" -zip "$data/osv/crates.io/all.zip" > "$out/in/boundary-crates.io/Cargo.lock"
  labels+=(boundary-Go/go.mod boundary-crates.io/Cargo.lock)
fi

# The same zips, twice: osv-scanner's local database and vmc's data dir.
zipfiles=()
for e in "${zips[@]}"; do
  mkdir -p "$out/osvdb/osv-scalibr/$e"
  ln -s "$(cd "$data/osv/$e" && pwd)/all.zip" "$out/osvdb/osv-scalibr/$e/all.zip"
  zipfiles+=("$data/osv/$e/all.zip")
done
import_secs=$(secs "$out/bin/vmc" import --data-dir "$out/vmcdata" "${zipfiles[@]}")
printf 'ScanGoModVersion = true\n' > "$out/osv-scanner.toml"

vmc_scan=("$out/bin/vmc" scan --data-dir "$out/vmcdata" --json)
osv_scan=("$osv_scanner" scan source --offline --offline-vulnerabilities --local-db-path "$out/osvdb"
  --config "$out/osv-scanner.toml" --no-call-analysis=all --format json -L)

status=0
declare -a rows=()
for l in "${labels[@]}"; do
  f="$out/in/$l"
  d="$out/res/${l%%/*}"
  "${vmc_scan[@]}" "$f" > "$d.vmc.json"
  rc=0; "${osv_scan[@]}" "$f" > "$d.osv.json" 2> "$d.osv.log" || rc=$?
  if [ "$rc" -gt 1 ]; then cat "$d.osv.log" >&2; exit 1; fi
  mkdir -p "$d"
  counts=$("$out/bin/normalise" -vmc "$d.vmc.json" -osv "$d.osv.json" -out "$d")
  echo "== $l: $counts"
  if ! diff "$d/vmc.txt" "$d/osv-scanner.txt" > "$d.diff"; then
    sed -n -e 's/^</  vmc only:        /p' -e 's/^>/  osv-scanner only:/p' "$d.diff" > "$d.only"
    head -n 40 "$d.only"
    if [ "$(wc -l < "$d.only")" -gt 40 ]; then echo "  ... $(($(wc -l < "$d.only") - 40)) more in $d.only"; fi
    status=1
  fi
  # Cold scans, alternating so that drift hits both alike.
  : > "$out/vmc.t"; : > "$out/osv.t"
  n=$runs
  if [[ $l == boundary-* ]]; then n=1; fi
  for i in $(seq "$n"); do
    secs "${vmc_scan[@]}" "$f" >> "$out/vmc.t"
    secs "${osv_scan[@]}" "$f" >> "$out/osv.t"
  done
  rows+=("$(printf '%s %s %s' "$l" "$(median < "$out/vmc.t")" "$(median < "$out/osv.t")")")
done

echo
echo "setup (once, not in the scan times): vmc import of ${zips[*]} zips: $import_secs s"
echo "cold scan, wall seconds, median of $runs runs each (boundary inputs: 1 run):"
printf '%-58s %8s %12s %8s\n' input vmc osv-scanner vmc/osv
for r in "${rows[@]}"; do
  awk -v r="$r" 'BEGIN { split(r, a, " "); printf "%-58s %8.3f %12.3f %7.2fx\n", a[1], a[2], a[3], a[2]/a[3] }'
done
exit "$status"
