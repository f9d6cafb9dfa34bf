"""Synthetic people, accounts and model names, in the spellings hub users actually write.

A target gets aliases (word-order swaps, joined romanisations, native script) so that detectors
have to cluster several spellings of one person, as on the real hubs.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from hubsim import vocab


@dataclass(frozen=True, slots=True)
class Target:
    """An invented real-person likeness target."""

    index: int
    name: str
    given: str
    family: str
    native: str | None
    aliases: tuple[str, ...]
    gender: str
    country: str
    nationality: str
    prominence: str
    occupation: str


def _pick(rng: random.Random, table: dict[str, str]) -> tuple[str, str]:
    key = rng.choice(list(table))
    return key, table[key]


def _cn(rng: random.Random, female: bool) -> tuple[str, str, str, str, tuple[str, ...]]:
    family, fam_h = _pick(rng, vocab.CN_FAMILY)
    table = vocab.CN_GIVEN_F if female else vocab.CN_GIVEN_M
    parts = [_pick(rng, table) for _ in range(rng.choice((1, 2, 2)))]
    given = "".join(p[0] for p in parts).capitalize()
    native = fam_h + "".join(p[1] for p in parts)
    name = f"{family} {given}"
    return name, given, family, native, (f"{given} {family}", f"{family}{given}", native)


def _kr(rng: random.Random, female: bool) -> tuple[str, str, str, str, tuple[str, ...]]:
    family, fam_h = _pick(rng, vocab.KR_FAMILY)
    table = vocab.KR_GIVEN_F if female else vocab.KR_GIVEN_M
    (a, a_h), (b, b_h) = _pick(rng, table), _pick(rng, table)
    given = f"{a}-{b.lower()}"
    native = fam_h + a_h + b_h
    return (
        f"{family} {given}",
        given,
        family,
        native,
        (f"{given} {family}", f"{family} {a}{b.lower()}", f"{a}{b.lower()} {family}", native),
    )


def _jp(rng: random.Random, female: bool) -> tuple[str, str, str, str, tuple[str, ...]]:
    (h, h_k), (t, t_k) = _pick(rng, vocab.JP_FAMILY_HEAD), _pick(rng, vocab.JP_FAMILY_TAIL)
    family = h + t
    given, given_k = _pick(rng, vocab.JP_GIVEN_F if female else vocab.JP_GIVEN_M)
    native = h_k + t_k + given_k
    return f"{given} {family}", given, family, native, (f"{family} {given}", f"{family}{given}", native)


def _latin(rng: random.Random, female: bool) -> tuple[str, str, str, None, tuple[str, ...]]:
    given = rng.choice(vocab.LATIN_GIVEN_F if female else vocab.LATIN_GIVEN_M)
    family = rng.choice(vocab.LATIN_SURNAME_HEAD) + rng.choice(vocab.LATIN_SURNAME_TAIL)
    return (
        f"{given} {family}",
        given,
        family,
        None,
        (f"{given}{family}", f"{given} {family[0]}.", f"{family} {given}"),
    )


def _slavic(rng: random.Random, female: bool) -> tuple[str, str, str, None, tuple[str, ...]]:
    given = rng.choice(vocab.SLAVIC_GIVEN_F if female else vocab.SLAVIC_GIVEN_M)
    family = rng.choice(vocab.SLAVIC_SURNAME_HEAD) + ("ova" if female else "ov")
    return f"{given} {family}", given, family, None, (f"{family} {given}", f"{given}{family}")


def _simple(given_f: tuple[str, ...], given_m: tuple[str, ...], surnames: tuple[str, ...]):
    def make(rng: random.Random, female: bool) -> tuple[str, str, str, None, tuple[str, ...]]:
        given = rng.choice(given_f if female else given_m)
        family = rng.choice(surnames)
        return (
            f"{given} {family}",
            given,
            family,
            None,
            (f"{given}{family.replace(' ', '')}", f"{family} {given}"),
        )

    return make


_STYLES = {
    "cn": _cn,
    "kr": _kr,
    "jp": _jp,
    "latin": _latin,
    "slavic": _slavic,
    "sea": _simple(vocab.SEA_GIVEN_F, vocab.SEA_GIVEN_M, vocab.SEA_SURNAME),
    "in": _simple(vocab.IN_GIVEN_F, vocab.IN_GIVEN_M, vocab.IN_SURNAME),
}
_PROMINENCE, _PROMINENCE_W = [p for p, _ in vocab.PROMINENCE], [w for _, w in vocab.PROMINENCE]
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_COUNTRY = {code: (style, adj) for code, _w, style, adj in vocab.COUNTRIES}


def make_target(rng: random.Random, index: int, gender: str, country: str) -> Target:
    """Invent one person of the given gender and country."""
    style, nationality = _COUNTRY[country]
    female = gender == "female"
    name, given, family, native, aliases = _STYLES[style](rng, female)
    prominence = rng.choices(_PROMINENCE, _PROMINENCE_W)[0]
    occupation = rng.choice((vocab.OCCUPATIONS if female else vocab.OCCUPATIONS_M)[prominence])
    return Target(
        index, name, given, family, native, aliases, gender, country, nationality, prominence, occupation
    )


def handle(rng: random.Random) -> str:
    """A plausible hub account name."""
    head, tail = rng.choice(vocab.HANDLE_HEAD), rng.choice(vocab.HANDLE_TAIL)
    sep = rng.choice(("", "_", "-", ""))
    num = str(rng.randrange(1, 9999)) if rng.random() < 0.5 else ""
    return f"{head}{sep}{tail}{num}"


def slug(text: str) -> str:
    """Hub-style repository slug: ASCII letters, digits and dashes."""
    return _NON_SLUG.sub("-", text[:160].lower()).strip("-")[:80] or "model"


def trigger_word(rng: random.Random, target: Target) -> str:
    """Trigger words as LoRA trainers pick them: joined names, initials, dreambooth tokens."""
    initials = (target.given[0] + target.family[0]).lower()
    noun = "woman" if target.gender == "female" else "man"
    options = (
        f"{target.given}{target.family}".lower().replace("-", ""),
        f"{initials}{rng.choice('xyz')} {noun}",
        f"ohwx {noun}",
        f"sks {noun}",
        f"{target.name.lower()}",
        f"{target.family.lower()}_{target.given.lower().replace('-', '')}",
    )
    return rng.choice(options)


def likeness_model_name(rng: random.Random, target: Target, nth: int, base_short: str, evasive: bool) -> str:
    """Name of a likeness model; `evasive` names avoid saying who it is (post-ban style)."""
    alias = rng.choice((target.name, target.name, *target.aliases))
    if evasive:
        return rng.choice(
            (
                f"{target.given} {target.family[0]}.",
                f"{(target.given[0] + target.family[0]).upper()} {rng.choice(('girl', 'woman', 'model'))}",
                target.native or f"{target.given} (character)",
                f"Asian woman {target.given}"
                if target.country in ("CN", "KR", "JP", "TW")
                else f"Woman {target.given}",
                f"{target.given} v{nth}",
            )
        )
    return rng.choice(
        (
            f"{alias} LoRA",
            f"{alias} - {target.occupation.title()}",
            f"{alias} v{nth}" if nth > 1 else f"{alias}",
            f"{alias} | {base_short}",
            f"[{base_short}] {alias}",
            f"{alias} ({target.native})" if target.native else f"{alias} (Real Person)",
            f"{target.family.upper()} {target.given} [{target.occupation}]",
        )
    )


def character_name(rng: random.Random) -> tuple[str, str]:
    """An invented fictional character and franchise."""
    franchise = rng.choice(vocab.FRANCHISES)
    if rng.random() < 0.5:
        given, _ = _pick(rng, vocab.JP_GIVEN_F)
        head, _ = _pick(rng, vocab.JP_FAMILY_HEAD)
        tail, _ = _pick(rng, vocab.JP_FAMILY_TAIL)
        return f"{given} {head}{tail}", franchise
    return f"{rng.choice(vocab.FANTASY_NAMES)} {rng.choice(vocab.FANTASY_NAMES)}is", franchise
