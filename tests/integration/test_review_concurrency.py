"""Review decisions are never lost on concurrent writes: several processes record at once while
another process holds the state file open (DuckDB refuses writers then: they must wait, not fail)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from likeness_watch.state_store import StateStore

WRITER = """
import sys, time
from datetime import datetime, timedelta
from pathlib import Path
from likeness_watch.review.decisions import decision, record
from likeness_watch.state_store import StateStore

store = StateStore(Path(sys.argv[1]), Path(sys.argv[1]).with_name("warehouse.duckdb"))
name, count = sys.argv[2], int(sys.argv[3])
first_done = None
for i in range(count):
    made = decision(hub="civitai", model_id=f"{name}-{i}", decision="reported", decided_by=name,
                    decided_at=datetime(2025, 5, 2) + timedelta(seconds=i))
    record(store, [made], "cli")
    first_done = first_done or time.time()
print(first_done, flush=True)
"""

HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("held", flush=True)
time.sleep(1.5)
released = time.time()
con.close()
print(released, flush=True)
"""

WRITERS, EACH, CSV_ROWS = 4, 15, 20


def test_concurrent_writers_lose_no_decision(tmp_path: Path):
    store = StateStore(tmp_path / "state.duckdb", tmp_path / "warehouse.duckdb")
    store.ensure()
    csv = tmp_path / "batch.csv"
    csv.write_text(
        "hub,model_id,decision,note,by,decided_at\n"
        + "".join(
            f"huggingface,batch/m{i},not_likeness,,carol,2025-05-03T00:00:{i:02d}Z\n" for i in range(CSV_ROWS)
        ),
        encoding="utf-8",
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store.path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    started = time.time()
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(store.path), f"w{n}", str(EACH)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    loader = subprocess.Popen(
        [str(Path(sys.executable).with_name("likeness-watch")), "review", "--from-csv", str(csv)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"LW_STATE": str(store.path), "LW_WAREHOUSE": str(store.warehouse), "PATH": "/usr/bin:/bin"},
    )
    outputs = [writer.communicate(timeout=300) for writer in writers]
    loaded, errors = loader.communicate(timeout=300)
    released = float(holder.communicate(timeout=60)[0].strip())
    assert all(writer.returncode == 0 for writer in writers), outputs
    assert loader.returncode == 0, errors
    assert f"recorded {CSV_ROWS} new decision(s)" in loaded
    # every writer's first write waited for the read-only holder to let go of the file
    assert all(float(out) >= released for out, _ in outputs) and released - started > 1.0
    with store.reader() as con:
        rows = con.execute(
            "select decided_by, count(*), count(distinct model_id) from review_decisions "
            "group by 1 order by 1"
        ).fetchall()
    assert rows == [("carol", CSV_ROWS, CSV_ROWS)] + [(f"w{n}", EACH, EACH) for n in range(WRITERS)]
