"""What the simulator's HTTP server serves: a data source behind one set of routing and faults.

Two sources exist: the synthetic world (`WorldSource`) and recorded real data
(`replay.Replay`). The server owns everything that is about HTTP (the /at/ prefix, faults, the
HF rate limit, forbidden downloads, the request log); a source only answers routed API calls.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from hubsim import civitai, huggingface
from hubsim.reply import Reply, Request
from hubsim.world import World


class Source(Protocol):
    """A data source the server can serve; its attributes are the server's defaults."""

    seed: int  # of the fault RNG: same seed and request order, same faults
    faults: str  # fault spec used when the server is given none
    hf_quota: int  # Hugging Face calls per 5-minute window
    slow_seconds: float  # delay of the `slow` fault

    def asof(self, day: date | None) -> int:
        """Exclusive upper bound (epoch s) of the data visible at the end of UTC `day` (None: all)."""
        ...

    def handle(self, hub: str, req: Request) -> Reply:
        """Answer one API call routed to `hub` (path relative to the hub's API base)."""
        ...

    def truth(self, include_models: bool) -> dict[str, Any] | None:
        """Ground truth for /_sim/truth, or None when the source has none (recorded data)."""
        ...


class WorldSource:
    """The synthetic world as a source: its config holds the serving defaults."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.seed = world.cfg.seed
        self.faults = world.cfg.faults
        self.hf_quota = world.cfg.hf_quota
        self.slow_seconds = world.cfg.slow_seconds

    def asof(self, day: date | None) -> int:
        return self.world.asof(day)

    def handle(self, hub: str, req: Request) -> Reply:
        return (civitai.handle if hub == "civitai" else huggingface.handle)(self.world, req)

    def truth(self, include_models: bool) -> dict[str, Any] | None:
        return self.world.truth(include_models=include_models)
