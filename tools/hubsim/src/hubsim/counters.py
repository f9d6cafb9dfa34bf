"""Counters that grow day by day (downloads, likes), as pure functions of time.

A version's downloads follow D(t) = D_inf * age / (age + half): monotone, heavy-tailed through
lognormal D_inf, and computable for any as-of time without replaying history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubsim.clock import DAY

if TYPE_CHECKING:
    from hubsim.world import Model


def version_downloads(dinf: int, half: float, created: int, t: int) -> int:
    """Downloads of one file/version at time t."""
    age = (t - created) / DAY
    if age <= 0:
        return 0
    return int(dinf * age / (age + half))


def model_downloads(model: Model, t: int) -> int:
    """Total downloads of a model at time t, frozen at its removal (the last observable value)."""
    if model.removed is not None and model.removed < t:
        t = model.removed
    return sum(version_downloads(v.dinf, v.half, v.created, t) for v in model.versions if v.created < t)


def likes(model: Model, t: int) -> int:
    """Civitai thumbs-up grow with downloads at a per-model rate (3–15 %)."""
    return int(model_downloads(model, t) * (0.03 + 0.12 * model.quality))
