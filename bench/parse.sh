#!/usr/bin/env bash
# Address parse + normalise throughput on one core over the 1M-row sample police extract's
# 标准地址 column, with the sample's roads known to the parser as a registry would know them
# (after `diming import`; until then the shipped divisions only). Bar (issue 4): >= 200,000/s.
set -euo pipefail
plates=${1:-1000000}
source "$(dirname "$0")/registry.sh"
out=$(sample_dir "$plates")
addresses="$out/addresses.txt"
# the 13th column (标准地址) of the UTF-8 police extract
[ -f "$addresses" ] || tail -n +2 "$out/police.csv" | cut -d, -f13 > "$addresses"
taskset -c 0 "$(dirname "$DIMING")/bench/bench_parse" "$addresses"
