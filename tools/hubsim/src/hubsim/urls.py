"""Where a crawler finds each simulated hub, and how fast it may crawl it.

The product's hub adapters know only a base URL (``LW_<HUB>_BASE_URL``). Which path the simulator
serves each hub under is the simulator's own URL scheme (server.py), so the demo, the tests, the stack
script and the benchmarks take it from here instead of spelling it out.
"""

from __future__ import annotations

SIM_RPS = 200.0
"""The simulator is local: crawl it fast (the real hubs' limits stay the defaults)."""

_HUB_ROOTS = {"civitai": "civitai/api/v1", "huggingface": "huggingface"}


def sim_base_url(sim_url: str, hub: str) -> str:
    """The simulator's time-travel base URL for a hub (``{date}`` is filled in per crawl day)."""
    return f"{sim_url}/at/{{date}}/{_HUB_ROOTS[hub]}"
