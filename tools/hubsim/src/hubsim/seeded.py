"""The seeded RNG of the world and its renderers."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class SeededRandom(random.Random):
    """`random.Random` whose `choice` costs one `random()` call instead of a rejection loop.

    The build makes millions of choices; the bias (< 2**-50) is irrelevant for synthetic data.
    """

    def choice(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]
