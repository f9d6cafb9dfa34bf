"""Opening the warehouse while another process holds it: wait, do not fail."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from likeness_watch.warehouse.access import connect

HOLD = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
    "time.sleep(2); c.close()"
)


def test_readers_wait_while_another_process_writes(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(duckdb.IOException, match="lock"):  # what DuckDB alone does
            duckdb.connect(str(path), read_only=True)
        con = connect(path, read_only=True)
        con.close()
    finally:
        assert holder.wait(timeout=60) == 0
