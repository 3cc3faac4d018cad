#!/bin/bash
# Times `storydiff index add` of one batch into fresh copies of indexes, alternating builds, one line per run
# (issue 18's benchmark: docs/PERFORMANCE.md, "Story index").
#
# usage: bench/index_add.sh ROUNDS BATCH.jsonl INDEX.db:BINARY [INDEX.db:BINARY ...]
#   BASELINE=FILE  compare each run's `index assignments` with FILE (prints same / DIFF)
#   WORK=DIR       where the copy is made (default: the first index's folder; it needs the index's size free)
#
# Each run copies the index, drops every listed index from the page cache (so two copies do not crowd each
# other out), reads the copy in, and runs the add with STORYDIFF_TIMINGS=1 under /usr/bin/time.
set -euo pipefail
rounds=$1 batch=$2
shift 2
work=${WORK:-$(dirname "${1%%:*}")}
copy="$work/bench-copy.db"
indexes=()
for spec in "$@"; do indexes+=("${spec%%:*}"); done
for _ in $(seq "$rounds"); do
  for spec in "$@"; do
    index=${spec%%:*} binary=${spec#*:}
    rm -f "$copy" "$copy-wal" "$copy-shm"
    cp "$index" "$copy"
    python3 -c 'import os, sys
for path in sys.argv[1:]:
    fd = os.open(path, os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)' "${indexes[@]}"
    cat "$copy" > /dev/null
    out=$(STORYDIFF_TIMINGS=1 /usr/bin/time -f "%e s, peak %M KB, user %U s, sys %S s" \
      "$binary" index add --db "$copy" "$batch" 2>&1 >/dev/null)
    same=""
    if [ -n "${BASELINE:-}" ]; then
      same=$("$binary" index assignments --db "$copy" | cmp -s - "$BASELINE" && echo "same" || echo "DIFF")
    fi
    stages=$(echo "$out" | grep -oE 'index add: [a-z -]+: [0-9.]+ s' | sed 's/index add: //' | paste -sd ';' -)
    echo "$binary on $(basename "$index"): $(echo "$out" | tail -1) $same | $stages"
  done
done
rm -f "$copy" "$copy-wal" "$copy-shm"
