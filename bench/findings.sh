#!/usr/bin/env bash
# Scanner-report import benchmark: for the largest real sample of each
# format and a synthesised 100,000-vulnerability Trivy report, the floor
# (bare JSON or XML decoding of the same file, storing nothing) against
# `vmc findings import` into a fresh SQLite database and an identical
# re-import, in one run. Prints seconds, results/s, the ratio to the floor
# and peak RSS. Needs /usr/bin/time (Debian package "time").
#
#   bench/findings.sh               # samples and the 100k report
#   N=20000 bench/findings.sh       # a smaller synthesised report
#   OUT=/tmp/mine bench/findings.sh
set -euo pipefail
cd "$(dirname "$0")/.."
data=${VMC_SHARED_DATA:-../shared/data}
out=${OUT:-bench/out/findings}
n=${N:-100000}
mkdir -p "$out"
go build -o "$out/vmc" ./cmd/vmc
go build -o "$out/scans" ./bench/scans
big="$out/trivy-$n.json"
[ -f "$big" ] || "$out/scans" gen -n "$n" -cves "$data/cve5/cves.zip" -template "$data/scanners/trivy/issue_9333.json" -o "$big"

# run CMD...: seconds and peak RSS (KiB) of one run.
run() {
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" > "$out/run.log" 2>&1
  cat "$out/time.txt"
}

printf "%-44s %8s %9s %8s %9s %8s %9s %9s\n" report results floor-s import-s results/s ratio reimport-s rss-MiB
row() { # file tool
  local file=$1 tool=$2 results floor imp again
  floor=$(run "$out/scans" floor "$file")
  rm -rf "$out/db"
  imp=$(run "$out/vmc" findings import --json --data-dir "$out/db" --asset bench --tool "$tool" "$file")
  results=$(grep -o '"results": *[0-9]*' "$out/run.log" | head -1 | tr -dc '0-9')
  again=$(run "$out/vmc" findings import --json --data-dir "$out/db" --asset bench --tool "$tool" "$file")
  awk -v f="$(basename "$file")" -v r="$results" -v fl="${floor% *}" -v s="${imp% *}" -v k="${imp#* }" -v a="${again% *}" 'BEGIN {
    if (fl < 0.01) fl = 0.01; printf "%-44s %8d %9.2f %8.2f %9.0f %7.1fx %9.2f %9.0f\n", f, r, fl, s, r/s, s/fl, a, k/1024 }'
}

for spec in tenable/nessus_with_cvssv3.nessus:nessus openvas/many_vuln.xml:openvas qualys/Qualys_Sample_Report.xml:qualys \
  nmap/issue4406.xml:nmap zap/zap-results-first-scan.xml:zap burp/issue4399.xml:burp acunetix/acunetix360_many_findings.json:acunetix \
  nikto/juice-shop.json:nikto nuclei/many_findings.json:nuclei trivy/issue_9333.json:trivy grype/many_vulns3.json:grype \
  anchore/new_format_issue_11552.json:anchore osv-scanner/many_findings.json:osvscanner snyk/all_projects_issue4277.json:snyk \
  dependency-check/PR6439.xml:depcheck sarif/codeQL-output.sarif:sarif aws-inspector2/aws_inspector2_many_vul.json:inspector \
  prowler/many_vuln.json:prowler wazuh/v4-8_many_findings.json:wazuh; do
  row "$data/scanners/${spec%%:*}" "${spec##*:}"
done
row "$big" trivy
