#!/usr/bin/env bash
# Makes the databases of earlier schemas for the upgrade tests (tests/e2e/test_upgrade.py,
# test_audit.py), with an earlier gridctl, the same cases in each. Kept to show how they were made:
#   v1.db   schema 1, by release 0.1.0 (commit 4d62868)
#   v10.db  schema 10, which stored each event's prev_hash (commit 8489039)
#   git worktree add /tmp/v010 4d62868 && cmake -S /tmp/v010 -B /tmp/v010-build \
#     -DGRIDGOV_BUILD_TESTS=OFF && cmake --build /tmp/v010-build --target gridctl
#   tests/data/upgrade/make.sh /tmp/v010-build/cli/gridctl v1.db
set -euo pipefail
gridctl=${1:?usage: make.sh PATH/TO/gridctl vN.db}
here=$(cd "$(dirname "$0")" && pwd)
db=$here/${2:?usage: make.sh PATH/TO/gridctl vN.db}
rm -f "$db" "$db"-wal "$db"-shm
g() { "$gridctl" --db "$db" -q "$@"; }

g init --county-code 371327 --county-name 莒南县
g import layout "$here/../good/layout_bom_crlf.csv" >/dev/null
workers=$(mktemp)
cat > "$workers" <<'CSV'
code,name,tier,unit,deployment,department,phone
W0001,刘文,grid,37132700100101,,,
W0002,窦子杰,grid,37132700100102,,,
T0001,王芳,town,371327001Z01,,,
C0001,赵强,county,371327001Z01,resident,housing,
C0002,孙丽,county,,whistle,emergency,
CSV
g import workers "$workers" >/dev/null
rm "$workers"

# Closed in the grid; resolved and verified at the village; referred to housing and closed;
# reworked once; voided; and one still open, overdue by now.
a=$(g log --grid 37132700100101 --category environment_sanitation --title 楼道垃圾 --as W0001 --at 2026-10-03T09:00)
g close "$a" --as W0001 --at 2026-10-03T15:00
b=$(g log --grid 37132700100101 --category dispute --title 邻里纠纷 --as W0001 --at 2026-10-03T10:00)
g escalate "$b" --reason 需村居调解 --as W0001 --at 2026-10-03T11:00
g resolve "$b" --note 已调解 --as W0001 --at 2026-10-04T10:00
g close "$b" --fail --note 仍有争执 --as T0001 --at 2026-10-04T12:00
g resolve "$b" --note 再次调解 --as W0001 --at 2026-10-05T10:00
g close "$b" --as T0001 --at 2026-10-05T12:00
c=$(g log --grid 37132700100102 --category illegal_construction --title 违建 --as W0002 --at 2026-10-06T09:00)
for _ in 1 2 3; do g escalate "$c" --reason 上报 --as admin --at 2026-10-06T10:00; done
g whistle "$c" --worker C0002 --as T0001 --at 2026-10-06T11:00
g escalate "$c" --reason 乡呼县应 --as admin --at 2026-10-06T12:00
g resolve "$c" --note 已拆除 --as C0001 --at 2026-10-08T12:00
g close "$c" --as W0002 --at 2026-10-09T12:00
d=$(g log --grid 37132700100501 --category dispute --title 重复 --as admin --at 2026-10-07T09:00)
g void "$d" --reason 重复录入 --as admin --at 2026-10-07T10:00
g log --grid 37132700100102 --category dispute --title 未处理 --as W0002 --at 2026-10-08T09:00 >/dev/null
"$gridctl" --db "$db" status --format json
# One file, no WAL beside it.
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;" >/dev/null
