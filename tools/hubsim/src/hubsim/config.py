"""Simulator configuration: everything that makes a synthetic world reproducible."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

BAN_DAY = date(2025, 5, 23)
"""Civitai's real-person likeness ban (press: 22–23 May 2025); the world stages its mass removal here."""


@dataclass(frozen=True)
class SimConfig:
    """Inputs of a world. The world is a pure function of (seed, scale, start, end).

    `faults`, `hf_quota` and `slow_seconds` only shape how the server answers, never the data.
    """

    seed: int = 42
    scale: float = 1.0
    faults: str = ""
    start: date = date(2022, 11, 1)
    end: date = date(2026, 12, 31)
    hf_quota: int = 100_000
    slow_seconds: float = 3.0

    def __post_init__(self) -> None:
        if self.scale <= 0:
            raise ValueError("scale must be positive")
        if self.end < self.start:
            raise ValueError("end must not be before start")

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form, for the truth file."""
        out = asdict(self)
        out["start"] = self.start.isoformat()
        out["end"] = self.end.isoformat()
        return out
