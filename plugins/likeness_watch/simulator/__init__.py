"""Hub simulator: a deterministic synthetic world served over HTTP in both hubs' real API shapes.

from likeness_watch.simulator import SimConfig, build_world, SimServer
world = build_world(SimConfig(seed=42, scale=1.0))
with SimServer(world, faults="civitai:429=0.1") as server:
    ...  # crawl server.url + "/at/2025-06-01/civitai/api/v1/models"
world.truth(); world.export_truth("out/")
with SimServer(Replay.from_directory(Path("recorded/"))) as server:
    ...  # the same URLs over recorded real records
"""

from likeness_watch.simulator.config import BAN_DAY, SimConfig
from likeness_watch.simulator.faults import FAULTS
from likeness_watch.simulator.faults import parse as parse_faults
from likeness_watch.simulator.generate import build_world
from likeness_watch.simulator.replay import Replay
from likeness_watch.simulator.server import SimServer, serve
from likeness_watch.simulator.world import World

__all__ = [
    "BAN_DAY",
    "FAULTS",
    "Replay",
    "SimConfig",
    "SimServer",
    "World",
    "build_world",
    "parse_faults",
    "serve",
]
