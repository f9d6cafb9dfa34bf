"""The protected-persons watchlist managed by T&S: a CSV with columns ``name,aliases``.

Aliases are separated by ``|``. Listing a name in its original script as an alias (e.g. Hangul,
Cyrillic) is the most reliable way to catch transliterations the folding in ``names`` misses.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from likeness_watch.names import NameForm, lookup_keys, mentions, name_form

log = logging.getLogger(__name__)


class WatchlistError(ValueError):
    """The watchlist file exists but cannot be used (wrong columns, a malformed row, unreadable):
    the message names the file and, for a row, its line."""


@dataclass(frozen=True)
class WatchedPerson:
    name: str
    aliases: tuple[str, ...]

    @cached_property
    def variants(self) -> tuple[NameForm, ...]:
        """Match forms of the name and every alias (empty ones dropped)."""
        forms = (name_form(text) for text in (self.name, *self.aliases))
        return tuple(dict.fromkeys(form for form in forms if form.tokens))


def parse_watchlist(text: str, source: str = "watchlist CSV") -> list[WatchedPerson]:
    """Parse the CSV text; blank lines and rows without a name are skipped. Errors name
    ``source`` (the file) and the line.

    Quotes are parsed strictly: with csv's default, an unclosed quote swallowed the rest of the
    file into one bogus name and the run went on with protected persons unwatched.
    """
    reader = csv.DictReader(io.StringIO(text), strict=True)
    parsed_to = 0
    try:
        fieldnames = reader.fieldnames
        if fieldnames is None:
            raise WatchlistError(f"{source} is empty: it needs a header line with columns name,aliases")
        if "name" not in [f.strip().lower() for f in fieldnames]:
            found = ",".join(fieldnames)
            raise WatchlistError(
                f"{source}: the header must have columns name,aliases (comma-separated); found {found!r}"
            )
        parsed_to = reader.line_num
        people = []
        for row in reader:
            parsed_to = reader.line_num
            if None in row:  # DictReader puts the fields beyond the header under the key None
                raise WatchlistError(
                    f"{source}, line {reader.line_num}: {len(fieldnames) + len(row[None])} fields where the "
                    f"header has {len(fieldnames)}; put a name or alias that contains a comma in double "
                    'quotes, e.g. "Lee, Min",Lee Min'
                )
            cleaned = {key.strip().lower(): (value or "").strip() for key, value in row.items()}
            if not cleaned.get("name"):
                continue
            aliases = tuple(alias.strip() for alias in cleaned.get("aliases", "").split("|") if alias.strip())
            people.append(WatchedPerson(cleaned["name"], aliases))
    except csv.Error as exc:  # the row that failed starts after the last one parsed
        raise WatchlistError(
            f"{source}, line {parsed_to + 1}: {exc} (expected CSV rows name,aliases; a field in double "
            'quotes ends with the closing quote right before the next comma, a quote inside it is "")'
        ) from exc
    return people


def load_watchlist(path: Path, required: bool = False) -> list[WatchedPerson]:
    """Read the watchlist. A missing default file means an empty watchlist (logged); a missing
    file someone configured (``required``: LW_WATCHLIST set) is an error, since a typo in the
    path must not silently turn off the protected-persons alerts."""
    if not path.is_file():
        if required:
            raise WatchlistError(f"watchlist {path} (LW_WATCHLIST) not found")
        log.warning("watchlist %s not found: watchlist matching is off", path)
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchlistError(f"cannot read watchlist {path}: {exc}") from exc
    return parse_watchlist(text, source=f"watchlist {path}")


def matches(person: WatchedPerson, texts: Iterable[tuple[str, ...]]) -> bool:
    """Whether any of a model's tokenised strings (name, trigger words, tags, target) names the
    person (callers tokenise each model once with ``names.tokens``, then test every person)."""
    return any(mentions(found, variant) for found in texts for variant in person.variants)


class WatchlistIndex:
    """Watched persons by lookup token, so each model is checked only against the few persons
    it could possibly name (a day of thousands of models × a long watchlist stays cheap)."""

    def __init__(self, people: Sequence[WatchedPerson]) -> None:
        self.people = list(people)
        self._by_key: dict[str, set[int]] = defaultdict(set)
        for position, person in enumerate(self.people):
            for variant in person.variants:
                for key in lookup_keys(variant):
                    self._by_key[key].add(position)

    def named_in(self, texts: Sequence[tuple[str, ...]]) -> list[WatchedPerson]:
        """The persons a model's tokenised strings name, in watchlist order."""
        candidates = {
            position for found in texts for token in found for position in self._by_key.get(token, ())
        }
        return [self.people[i] for i in sorted(candidates) if matches(self.people[i], texts)]
