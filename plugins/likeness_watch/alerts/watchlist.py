"""The protected-persons watchlist managed by T&S: a CSV with columns ``name,aliases``.

Aliases are separated by ``|``. Listing a name in its original script as an alias (e.g. Hangul,
Cyrillic) is the most reliable way to catch transliterations the folding in ``names`` misses.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from likeness_watch.alerts.names import mentions, tokens

log = logging.getLogger(__name__)


class WatchlistError(ValueError):
    """The watchlist file exists but cannot be used (wrong columns, unreadable)."""


@dataclass(frozen=True)
class WatchedPerson:
    name: str
    aliases: tuple[str, ...]

    @property
    def variants(self) -> tuple[tuple[str, ...], ...]:
        """Token forms of the name and every alias (empty ones dropped)."""
        forms = (tokens(text) for text in (self.name, *self.aliases))
        return tuple(dict.fromkeys(form for form in forms if form))


def parse_watchlist(text: str) -> list[WatchedPerson]:
    """Parse the CSV text; blank lines and rows without a name are skipped."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "name" not in [f.strip().lower() for f in reader.fieldnames]:
        raise WatchlistError("watchlist CSV needs a header with columns name,aliases")
    people = []
    for row in reader:
        cleaned = {(key or "").strip().lower(): (value or "").strip() for key, value in row.items()}
        if not cleaned.get("name"):
            continue
        aliases = tuple(alias.strip() for alias in cleaned.get("aliases", "").split("|") if alias.strip())
        people.append(WatchedPerson(cleaned["name"], aliases))
    return people


def load_watchlist(path: Path) -> list[WatchedPerson]:
    """Read the watchlist; a missing file means an empty watchlist (logged), not an error."""
    if not path.is_file():
        log.warning("watchlist %s not found: watchlist matching is off", path)
        return []
    try:
        return parse_watchlist(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise WatchlistError(f"cannot read watchlist {path}: {exc}") from exc


def matches(person: WatchedPerson, texts: Iterable[str | None]) -> bool:
    """Whether any of a model's strings (name, trigger words, tags, target) names the person."""
    text_tokens = [tokens(text) for text in texts]
    return any(mentions(found, variant) for found in text_tokens for variant in person.variants)
