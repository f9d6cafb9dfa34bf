"""Airflow pools derived from the hub registry, in the file format of ``airflow pools import``.

Run as ``python -m likeness_watch.deploy.pools FILE`` by the compose init job, ``make airflow`` and
the stack test, so all three create the same pools.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from likeness_watch.hubs.registry import get_hub, hub_names

HUB_POOL = "lw_hub_api"
"""Pool of the mapped crawl task in ``dags/lw_crawl.py``: caps concurrent hub crawls overall."""


def pools() -> dict[str, dict[str, object]]:
    """One slot per registered hub slot, so every hub can crawl at once but never twice."""
    slots = sum(get_hub(hub).pool_slots for hub in hub_names())
    return {
        HUB_POOL: {
            "slots": slots,
            "description": f"Concurrent hub crawls ({', '.join(hub_names())})",
            "include_deferred": False,
        }
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m likeness_watch.deploy.pools FILE", file=sys.stderr)
        return 2
    Path(argv[0]).write_text(json.dumps(pools(), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
