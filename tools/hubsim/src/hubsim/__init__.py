"""Hub simulator: a deterministic synthetic world served over HTTP in both hubs' real API shapes.

A development tool of Likeness Watch, not part of the product: its own distribution, installed by
the ``dev`` and ``demo`` extras (as moto stands in for S3), so a production install never ships a
fake hub. In the product only the CLI's ``simulate`` and ``demo`` commands import it.

from hubsim import SimConfig, build_world, SimServer, sim_base_url
world = build_world(SimConfig(seed=42, scale=1.0))
with SimServer(world, faults="civitai:429=0.1") as server:
    ...  # crawl sim_base_url(server.url, "civitai"), {date} filled in per crawl day
world.truth(); world.export_truth("out/")
with SimServer(Replay.from_directory(Path("recorded/"))) as server:
    ...  # the same URLs over recorded real records
"""

from hubsim.config import BAN_DAY, SimConfig
from hubsim.faults import FAULTS
from hubsim.faults import parse as parse_faults
from hubsim.generate import build_world
from hubsim.replay import Replay
from hubsim.server import SimServer, serve
from hubsim.urls import SIM_RPS, sim_base_url
from hubsim.world import World

__all__ = [
    "BAN_DAY",
    "FAULTS",
    "SIM_RPS",
    "Replay",
    "SimConfig",
    "SimServer",
    "World",
    "build_world",
    "parse_faults",
    "serve",
    "sim_base_url",
]
