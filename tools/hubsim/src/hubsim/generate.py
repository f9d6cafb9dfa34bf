"""Day-by-day generation of the world: arrivals, labels, versions, removals and cross-hub re-uploads.

One seeded RNG stream per hub, consumed in a fixed order, so a world is a pure function of
(seed, scale, start, end). Sets of strings are never iterated (hash order varies per process).
"""

from __future__ import annotations

import gc
import math
import random
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from itertools import accumulate
from typing import Generic, TypeVar

from hubsim import names, vocab
from hubsim.clock import DAY, date_of, day_start
from hubsim.config import BAN_DAY, SimConfig
from hubsim.events import (
    TAKE_IT_DOWN_DUE,
    TIGHTENING_DAY,
    base_model_weights,
    likeness_share,
    make_events,
    total_rate,
)
from hubsim.hashes import synthetic_sha256
from hubsim.names import Target
from hubsim.seeded import SeededRandom
from hubsim.world import Model, Version, World

T = TypeVar("T")
HOUR = 3_600
# Probability that a new non-likeness model is made for sexual content, by category.
NSFW_INTENT = {
    "character": 0.35,
    "style": 0.08,
    "concept": 0.15,
    "clothing": 0.25,
    "pose": 0.2,
    "generic_person": 0.45,
    "cosplay": 0.3,
}
HF_LIKENESS_TYPES = (("LORA", 0.86), ("Checkpoint", 0.07), ("TextualInversion", 0.04), ("DoRA", 0.03))
HF_OTHER_TYPES = (("LORA", 0.7), ("Checkpoint", 0.2), ("TextualInversion", 0.1))
FIRST_CIVITAI_ID = 9_000
FIRST_VERSION_ID = 11_000
HF_LEGACY_PER_SCALE = 15
"""Repos created before Hugging Face's March 2022 migration (their createdAt is a placeholder)."""
REUPLOAD_SHARE_AFTER_BAN = 0.45
REUPLOAD_WINDOW_DAYS = 42


def _cum(table: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    return [k for k, _ in table], list(accumulate(w for _, w in table))


_COUNTRY_CODES, _COUNTRY_CUM = (
    [c[0] for c in vocab.COUNTRIES],
    list(accumulate(c[1] for c in vocab.COUNTRIES)),
)
_TABLES = {
    "likeness": _cum(vocab.LIKENESS_TYPES),
    "other": _cum(vocab.OTHER_TYPES),
    "hf-likeness": _cum(HF_LIKENESS_TYPES),
    "hf-other": _cum(HF_OTHER_TYPES),
    "category": _cum(vocab.OTHER_CATEGORY_WEIGHTS),
}


def _choose(rng: random.Random, table: str) -> str:
    return weighted(rng, *_TABLES[table])


def weighted(rng: random.Random, keys: Sequence[str], cum: Sequence[float]) -> str:
    """Weighted pick from cumulative weights (much cheaper than random.choices in the build loop)."""
    return keys[bisect_right(cum, rng.random() * cum[-1])]


def poisson(rng: random.Random, lam: float) -> int:
    """Poisson draw (Knuth for small means, normal approximation for large ones)."""
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


class _Pool(Generic[T]):
    """Preferential attachment: an item picked often is picked again, giving heavy-tailed clusters
    (several models per person, prolific uploaders)."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self.members: list[int] = []

    def pick(self, rng: random.Random, p_new: float, make: Callable[[], T]) -> T:
        if not self.items or rng.random() < p_new:
            self.items.append(make())
            idx = len(self.items) - 1
        else:
            idx = rng.choice(self.members)
        self.members.append(idx)
        return self.items[idx]


def _hostile(rng: random.Random, text: str) -> str:
    """Splice a hostile-but-realistic string into user text."""
    roll = rng.random()
    if roll < 0.15:
        return f"{text} {vocab.LONG_FILLER}"
    bad = rng.choice(vocab.HOSTILE)
    return f"{bad} {text}" if roll < 0.4 else f"{text} {bad}"


def _dedupe(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _nsfw_level(rng: random.Random, nsfw: bool) -> int:
    if nsfw:
        return 1 | rng.choice((4, 12, 8, 24, 16, 28, 12))
    return 1 | rng.choice((0, 0, 2))


def _size_kb(rng: random.Random, mtype: str, base: str) -> int:
    if mtype == "Checkpoint":
        return int(rng.uniform(1.9e6, 6.9e6))
    if mtype == "TextualInversion":
        return int(rng.uniform(4, 300))
    big = 4 if base.startswith(("Flux", "Wan", "Qwen")) else 2 if base != "SD 1.5" else 1
    return int(rng.uniform(9e3, 1.5e5) * big)


class _Builder:
    """Holds cross-hub state while the hubs are generated in order (Civitai first: HF re-uploads it)."""

    def __init__(self, cfg: SimConfig) -> None:
        self.cfg = cfg
        self.events = make_events(SeededRandom(f"{cfg.seed}:events"), cfg.start, cfg.end)
        self.end_ts = day_start(cfg.end) + DAY
        self.ban_ts = day_start(BAN_DAY)
        self.targets: list[Target] = []
        self.target_pools: dict[str, _Pool[Target]] = {"female": _Pool(), "male": _Pool()}
        self.creators: dict[str, _Pool[str]] = {}
        self.nth: Counter[tuple[str, int]] = Counter()
        self.base_cache: dict[date, tuple[tuple[str, ...], list[float]]] = {}
        self.repo_ids: set[str] = set()

    # --- shared pickers -----------------------------------------------------------------------------
    def target(self, rng: random.Random) -> Target:
        gender = "female" if rng.random() < vocab.SHARE_WOMEN else "male"

        def make() -> Target:
            country = weighted(rng, _COUNTRY_CODES, _COUNTRY_CUM)
            t = names.make_target(rng, len(self.targets), gender, country)
            self.targets.append(t)
            return t

        return self.target_pools[gender].pick(rng, 0.35, make)

    def creator(self, rng: random.Random, pool: str, p_new: float) -> str:
        return self.creators.setdefault(pool, _Pool()).pick(rng, p_new, lambda: names.handle(rng))

    def base(self, rng: random.Random, day: date) -> str:
        if day not in self.base_cache:
            keys, weights = base_model_weights(day)
            if not keys:  # before Stable Diffusion existed (legacy Hugging Face repos)
                keys, weights = ("SD 1.5",), (1.0,)
            self.base_cache[day] = keys, list(accumulate(weights))
        return weighted(rng, *self.base_cache[day])

    def arrivals(self, rng: random.Random, hub: str) -> Iterator[tuple[date, int, bool]]:
        """(day, created ts, is_likeness) for every new organic model, in creation order."""
        events = self.events[hub]
        day = self.cfg.start
        while day <= self.cfg.end:
            rate = total_rate(hub, day) * self.cfg.scale
            share = likeness_share(hub, day)
            n_like = poisson(rng, rate * share * events.factor(day))
            n_other = poisson(rng, rate * (1 - share))
            kinds = [True] * n_like + [False] * n_other
            rng.shuffle(kinds)
            times = sorted(rng.randrange(DAY) for _ in kinds)
            start = day_start(day)
            for sec, kind in zip(times, kinds, strict=True):
                yield day, start + sec, kind
            day += timedelta(days=1)

    def clip(self, when: float | None) -> int | None:
        return None if when is None or when >= self.end_ts else int(when)

    # --- Civitai ------------------------------------------------------------------------------------
    def civitai(self) -> list[Model]:
        rng = SeededRandom(f"{self.cfg.seed}:civitai")
        out: list[Model] = []
        next_id = FIRST_CIVITAI_ID
        for day, created, likeness in self.arrivals(rng, "civitai"):
            next_id += 1
            if rng.random() < 0.3:  # drafts and never-published models leave gaps (404 on probe)
                next_id += 1 + int(rng.expovariate(0.5))
            make = self._civitai_likeness if likeness else self._civitai_other
            out.append(make(rng, next_id, created, day))
        _assign_version_ids(rng, out)
        return out

    def _civitai_likeness(self, rng: random.Random, key: int, created: int, day: date) -> Model:
        target = self.target(rng)
        post_ban = day >= BAN_DAY
        self.nth["civitai", target.index] += 1
        base = self.base(rng, day)
        mtype = _choose(rng, "likeness")
        nsfw = rng.random() < (0.45 if post_ban else 0.6)
        poi = rng.random() < (0.05 if post_ban else 0.7)
        evasive = post_ban and rng.random() < 0.7
        name = names.likeness_model_name(
            rng, target, self.nth["civitai", target.index], vocab.BASE_SHORT[base], evasive
        )
        tags = self._likeness_tags(rng, target, nsfw, evasive)
        trained = [names.trigger_word(rng, target)]
        if rng.random() < 0.2 and target.native:
            trained.append(target.native)
        removed, kind = self._civitai_removal(rng, created, True, poi)
        return self._finish(
            rng,
            hub="civitai",
            key=key,
            created=created,
            name=name,
            category="likeness",
            mtype=mtype,
            base=base,
            target=target.index,
            nsfw=nsfw,
            poi=poi,
            tags=tags,
            trained=trained,
            creator=self.creator(rng, "civitai-likeness", 0.2),
            removed=removed,
            kind=kind,
            downloads=(math.log(250), 1.7),
        )

    def _likeness_tags(self, rng: random.Random, target: Target, nsfw: bool, evasive: bool) -> list[str]:
        tags: list[str] = []
        if not evasive or rng.random() < 0.15:
            tags += rng.sample(("celebrity", "real person", "person"), rng.choice((1, 2)))
        tags.append(rng.choice(vocab.PROMINENCE_TAGS[target.prominence]))
        tags.append(rng.choice(vocab.COUNTRY_TAGS[target.country]))
        tags.append("woman" if target.gender == "female" else "man")
        if rng.random() < 0.3:
            tags.append("character")
        if rng.random() < 0.5:
            tags.append(rng.choice(("photorealistic", "realistic", "photography")))
        if rng.random() < 0.3:
            tags.append(target.occupation)
        if nsfw:
            tags += rng.sample(vocab.SEXUAL_TAGS, rng.randint(1, 3))
        elif rng.random() < 0.5:
            tags.append(rng.choice(vocab.SFW_TAGS))
        return tags

    def _civitai_other(self, rng: random.Random, key: int, created: int, day: date) -> Model:
        base = self.base(rng, day)
        mtype = _choose(rng, "other")
        category = _choose(rng, "category")
        if category == "pose" and rng.random() < 0.5:
            mtype = "Poses"
        name, tags, trained, category = _other_labels(rng, category, mtype, vocab.BASE_SHORT[base])
        nsfw = rng.random() < NSFW_INTENT[category]
        minor = category == "character" and rng.random() < 0.005
        poi = category == "generic_person" and rng.random() < 0.02  # moderators' false positives
        removed, kind = self._civitai_removal(rng, created, False, poi)
        return self._finish(
            rng,
            hub="civitai",
            key=key,
            created=created,
            name=name,
            category=category,
            mtype=mtype,
            base=base,
            nsfw=nsfw,
            poi=poi,
            minor=minor,
            tags=tags,
            trained=trained,
            creator=self.creator(rng, "civitai-other", 0.3),
            removed=removed,
            kind=kind,
            downloads=(math.log(400), 1.8),
        )

    def _civitai_removal(
        self, rng: random.Random, created: int, likeness: bool, poi: bool
    ) -> tuple[int | None, str | None]:
        """When and how a Civitai model disappears: owner deletions, the April tightening, the ban."""
        roll = rng.random()
        if not likeness:
            if roll < 0.03:
                return self.clip(created + rng.expovariate(1 / 250) * DAY + HOUR), "deleted"
            if roll < 0.05:
                return self.clip(created + rng.expovariate(1 / 300) * DAY + HOUR), "archived"
            return None, None
        if created >= self.ban_ts:
            if poi:
                return self.clip(created + rng.uniform(0.5, 10) * DAY), rng.choice(("deleted", "taken_down"))
            if roll < 0.35:
                kind = "deleted" if rng.random() < 0.7 else "taken_down"
                return self.clip(created + rng.expovariate(1 / 60) * DAY + HOUR), kind
            return None, None
        tight = day_start(TIGHTENING_DAY)
        owner = created + rng.expovariate(1 / 300) * DAY + HOUR
        if roll < 0.04 and owner < tight:
            return self.clip(owner), "deleted"
        if roll < 0.09:
            first = max(created + HOUR, tight)
            return self.clip(rng.uniform(first, self.ban_ts)), "taken_down"
        if rng.random() < (0.97 if poi else 0.55):
            kind = "deleted" if rng.random() < 0.86 else "taken_down"
            return self.clip(self.ban_ts + rng.uniform(9, 21) * HOUR), kind
        return None, None

    def _finish(
        self,
        rng: random.Random,
        *,
        hub: str,
        key: int | str,
        created: int,
        name: str,
        category: str,
        mtype: str,
        base: str,
        tags: list[str],
        trained: list[str],
        creator: str,
        downloads: tuple[float, float],
        target: int = -1,
        nsfw: bool = False,
        poi: bool = False,
        minor: bool = False,
        removed: int | None = None,
        kind: str | None = None,
    ) -> Model:
        """Common tail of every organic model: hostile strings, versions with files, counters.

        `downloads` is (mu, sigma) of the lognormal final download count.
        """
        if hub == "civitai" and rng.random() < 0.02:  # HF repo ids cannot carry them
            name = _hostile(rng, name)
        if rng.random() < 0.02:
            tags.append(rng.choice(vocab.HOSTILE))
        versions = self._versions(rng, hub, key, created, removed, base, mtype, name, downloads)
        return Model(
            hub=hub,
            key=key,
            created=created,
            name=name,
            category=category,
            mtype=mtype,
            target=target,
            nsfw_level=_nsfw_level(rng, nsfw),
            nsfw_intent=nsfw,
            poi=poi,
            minor=minor,
            tags=_dedupe(tags),
            trained_words=_dedupe(trained),
            creator=creator,
            versions=versions,
            quality=rng.random(),
            hostile=rng.random() < 0.03,
            removed=removed,
            removal_kind=kind if removed else None,
        )

    def _versions(
        self,
        rng: random.Random,
        hub: str,
        key: int | str,
        created: int,
        removed: int | None,
        base: str,
        mtype: str,
        name: str,
        downloads: tuple[float, float],
    ) -> tuple[Version, ...]:
        """Versions (Civitai) or weight files (HF): later ones arrive weeks apart, until removal."""
        limit = min(removed or self.end_ts, self.end_ts)
        total = min(5e6, math.exp(rng.gauss(*downloads)))
        stem = names.slug(name.rsplit("/", 1)[-1]).replace("-", "_")[:60]
        ext = ".pt" if mtype == "TextualInversion" and rng.random() < 0.4 else ".safetensors"
        out, when, i = [], created, 0
        while when < limit:
            if i:
                base = self.base(rng, date_of(when)) if rng.random() < 0.35 else base
            suffix = f"_v{i + 1}" if hub == "civitai" else (f"-{(i + 1) * 2:06d}" if i else "")
            out.append(
                Version(
                    vid=i,
                    created=when,
                    base_model=base,
                    dinf=int(total * 0.7**i),
                    half=rng.uniform(15, 200),
                    sha256=synthetic_sha256(self.cfg.seed, hub, key, i),
                    size_kb=_size_kb(rng, mtype, base),
                    file_name=f"{stem}{suffix}{ext}",
                )
            )
            i += 1
            if i >= 8 or rng.random() > 0.32:
                break
            when += int(rng.expovariate(1 / 35) * DAY) + HOUR
        return tuple(out)

    # --- Hugging Face -------------------------------------------------------------------------------
    def huggingface(self, civitai: list[Model]) -> list[Model]:
        rng = SeededRandom(f"{self.cfg.seed}:huggingface")
        out = [self._hf_legacy(rng) for _ in range(round(HF_LEGACY_PER_SCALE * self.cfg.scale))]
        for day, created, likeness in self.arrivals(rng, "huggingface"):
            out.append((self._hf_likeness if likeness else self._hf_other)(rng, created, day))
        out += self._reuploads(SeededRandom(f"{self.cfg.seed}:reuploads"), civitai)
        out.sort(key=lambda m: (m.created, m.key))
        return out

    def repo_id(self, owner: str, name: str) -> str:
        repo, n = f"{owner}/{name}", 1
        while repo in self.repo_ids:
            n += 1
            repo = f"{owner}/{name}-{n}"
        self.repo_ids.add(repo)
        return repo

    def _hf_removal(
        self, rng: random.Random, created: int, likeness: bool, nsfw: bool, rate: float
    ) -> int | None:
        """Hugging Face removals are rarer; they rise after the TAKE IT DOWN Act compliance date."""
        if rng.random() < rate:
            return self.clip(created + rng.expovariate(1 / 150) * DAY + HOUR)
        due = day_start(TAKE_IT_DOWN_DUE)
        if likeness and nsfw and created < due and rng.random() < 0.2:
            return self.clip(due + rng.uniform(0, 60) * DAY)
        return None

    def _hf_likeness(self, rng: random.Random, created: int, day: date) -> Model:
        target = self.target(rng)
        self.nth["huggingface", target.index] += 1
        nth = self.nth["huggingface", target.index]
        base = self.base(rng, day)
        mtype = _choose(rng, "hf-likeness")
        nsfw = rng.random() < 0.45
        owner = self.creator(rng, "hf-likeness", 0.3)
        alias = rng.choice((target.name, *[a for a in target.aliases if a.isascii()]))
        suffix = rng.choice(
            ("-lora", f"-{vocab.BASE_SHORT[base].lower()}-lora", "", f"-v{nth}", "-dreambooth")
        )
        tags = [rng.choice(("celebrity", "person", "woman", "real person", "portrait", "photorealistic"))]
        if nsfw and rng.random() < 0.6:
            tags.append("not-for-all-audiences")
        if nsfw and rng.random() < 0.3:
            tags.append(rng.choice(vocab.SEXUAL_TAGS))
        trained = [names.trigger_word(rng, target)]
        removed = self._hf_removal(rng, created, True, nsfw, 0.06)
        repo = self.repo_id(owner, names.slug(alias) + suffix)
        return self._finish(
            rng,
            hub="huggingface",
            key=repo,
            created=created,
            name=repo,
            category="likeness",
            mtype=mtype,
            base=base,
            target=target.index,
            nsfw=nsfw,
            tags=tags,
            trained=trained,
            creator=owner,
            removed=removed,
            kind="deleted",
            downloads=(math.log(40), 1.6),
        )

    def _hf_other(self, rng: random.Random, created: int, day: date) -> Model:
        base = self.base(rng, day)
        mtype = _choose(rng, "hf-other")
        label, tags, trained, category = _other_labels(
            rng, _choose(rng, "category"), mtype, vocab.BASE_SHORT[base]
        )
        nsfw = rng.random() < NSFW_INTENT[category]
        owner = self.creator(rng, "hf-other", 0.4)
        removed = self._hf_removal(rng, created, False, nsfw, 0.02)
        repo = self.repo_id(owner, names.slug(label))
        return self._finish(
            rng,
            hub="huggingface",
            key=repo,
            created=created,
            name=repo,
            category=category,
            mtype=mtype,
            base=base,
            nsfw=nsfw,
            tags=tags[:3],
            trained=trained,
            creator=owner,
            removed=removed,
            kind="deleted",
            downloads=(math.log(60), 1.7),
        )

    def _hf_legacy(self, rng: random.Random) -> Model:
        created = day_start(date(2021, 6, 1)) + int(rng.uniform(0, 270) * DAY)
        mtype = rng.choice(("Checkpoint", "TextualInversion"))
        label, tags, trained, category = _other_labels(
            rng, rng.choice(("style", "concept", "character")), mtype, "SD1.5"
        )
        owner = self.creator(rng, "hf-other", 0.4)
        repo = self.repo_id(owner, names.slug(label))
        return self._finish(
            rng,
            hub="huggingface",
            key=repo,
            created=created,
            name=repo,
            category=category,
            mtype=mtype,
            base="SD 1.5",
            tags=tags[:2],
            trained=trained,
            creator=owner,
            downloads=(math.log(300), 1.5),
        )

    def _reuploads(self, rng: random.Random, civitai: list[Model]) -> list[Model]:
        """Copies of Civitai likeness models on HF: the post-ban wave (1–6 weeks after), plus a few
        copies at other times. Most keep the exact file (same SHA256); some are converted."""
        ban_end = self.ban_ts + DAY
        out = []
        for src in civitai:
            if not src.is_likeness or not src.versions:
                continue
            when: float | None = None
            wave = src.removed is not None and self.ban_ts <= src.removed < ban_end
            if wave:
                if rng.random() < REUPLOAD_SHARE_AFTER_BAN:
                    offset = 1 + (REUPLOAD_WINDOW_DAYS - 1) * rng.random() ** 1.6
                    when = ban_end + offset * DAY + rng.randrange(DAY)
            elif src.removed is not None and src.removal_kind != "archived":
                if rng.random() < 0.2:
                    when = src.removed + rng.uniform(1, 30) * DAY
            elif rng.random() < 0.03:
                when = src.created + rng.uniform(1, 200) * DAY
            created = self.clip(when)
            if created is not None:
                out.append(self._reupload(rng, src, created, wave))
        return out

    def _reupload(self, rng: random.Random, src: Model, created: int, wave: bool) -> Model:
        target = self.targets[src.target]
        owner = (
            rng.choice(vocab.ARCHIVE_ACCOUNTS)
            if wave and rng.random() < 0.7
            else self.creator(rng, "hf-likeness", 0.3)
        )
        roll = rng.random()
        if roll < 0.3:
            name = f"civitai-{src.key}-{names.slug(src.name)[:40]}"
        elif roll < 0.7:
            name = names.slug(src.name)
        else:
            name = names.slug(target.name) + "-lora"
        converted = rng.random() < 0.1
        total = min(5e6, math.exp(rng.gauss(math.log(60), 1.6)))
        files = tuple(
            Version(
                vid=i,
                created=created,
                base_model=v.base_model,
                dinf=int(total * 0.7**i),
                half=rng.uniform(10, 90),
                sha256=synthetic_sha256("fp16", v.sha256) if converted else v.sha256,
                size_kb=v.size_kb // 2 if converted else v.size_kb,
                file_name=v.file_name.replace(".safetensors", "_fp16.safetensors")
                if converted
                else v.file_name,
            )
            for i, v in enumerate(src.versions)
        )
        tags = list(src.tags[:3])
        if src.nsfw_intent and rng.random() < 0.6:
            tags.append("not-for-all-audiences")
        removed = self.clip(created + rng.expovariate(1 / 40) * DAY + HOUR) if rng.random() < 0.12 else None
        repo = self.repo_id(owner, name)
        return Model(
            hub="huggingface",
            key=repo,
            created=created,
            name=repo,
            category="likeness",
            mtype=src.mtype,
            target=src.target,
            nsfw_level=src.nsfw_level,
            nsfw_intent=src.nsfw_intent,
            poi=False,
            minor=False,
            tags=_dedupe(tags),
            trained_words=src.trained_words,
            creator=owner,
            versions=files,
            quality=rng.random(),
            hostile=False,
            removed=removed,
            removal_kind="deleted" if removed else None,
            reupload_of=("civitai", src.key),
            same_file=not converted,
        )


_LABELS = {
    "style": (vocab.STYLES, vocab.STYLE_TAGS, ("{x} Style", "{x} | {b}", "{x} style LoRA")),
    "concept": (vocab.CONCEPTS, vocab.CONCEPT_TAGS, ("{x}", "{x} LoRA", "{x} - {b}")),
    "clothing": (vocab.CLOTHING, vocab.CLOTHING_TAGS, ("{x} (outfit)", "{x} | {b}", "{x}")),
    "pose": (vocab.POSES, vocab.POSE_TAGS, ("{x} Pose", "Poses: {x}", "{x} pose pack")),
    "generic_person": (vocab.GENERIC_PERSON, vocab.GENERIC_PERSON_TAGS, ("{x}", "{x} v{n}", "{x} | {b}")),
}


def _other_labels(
    rng: random.Random, category: str, mtype: str, base_short: str
) -> tuple[str, list[str], list[str], str]:
    """(name, tags, trained words, category) of a non-likeness model."""
    if mtype == "Checkpoint":
        word, suffix = rng.choice(vocab.CHECKPOINT_WORDS), rng.choice(vocab.CHECKPOINT_SUFFIX)
        category = "generic_person" if rng.random() < 0.3 else "style"
        name = f"{word}{suffix} v{rng.randint(1, 9)}"
        return (
            name,
            ["checkpoint", rng.choice(("base model", "merge")), rng.choice(vocab.STYLE_TAGS)],
            [],
            category,
        )
    if category in ("character", "cosplay"):
        char, franchise = names.character_name(rng)
        token = names.slug(char).replace("-", "_")
        if category == "cosplay":
            name = rng.choice((f"{char} Cosplay (Realistic)", f"Realistic {char} cosplay | {base_short}"))
            return (
                name,
                [*rng.sample(vocab.COSPLAY_TAGS, 3), names.slug(franchise)],
                [token, "cosplay"],
                category,
            )
        name = rng.choice(
            (f"{char} ({franchise})", f"{char} - {franchise} | {base_short}", f"{char} [{franchise}] LoRA")
        )
        return name, [*rng.sample(vocab.CHARACTER_TAGS, 3), names.slug(franchise)], [token], category
    words, tag_pool, templates = _LABELS[category]
    x = rng.choice(words)
    name = rng.choice(templates).format(x=x, b=base_short, n=rng.randint(2, 6))
    trained = [f"{x.lower()} style"] if category == "style" else [x.lower()] if rng.random() < 0.6 else []
    return name, rng.sample(tag_pool, 3), trained, category


def _assign_version_ids(rng: random.Random, models: list[Model]) -> None:
    """Version ids increase with version creation time across all models, with gaps."""
    versions = sorted((v for m in models for v in m.versions), key=lambda v: v.created)
    vid = FIRST_VERSION_ID
    for v in versions:
        vid += 1 + (int(rng.expovariate(0.7)) if rng.random() < 0.2 else 0)
        v.vid = vid


def build_world(cfg: SimConfig) -> World:
    """Generate both hubs for the configured span; deterministic for (seed, scale, start, end).

    The cyclic garbage collector is paused while hundreds of thousands of long-lived objects are
    created: it would otherwise rescan them again and again (it doubled the build time at scale 30).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        builder = _Builder(cfg)
        civitai = builder.civitai()
        huggingface = builder.huggingface(civitai)
        world = World(cfg, builder.targets, builder.events, civitai, huggingface)
    finally:
        if was_enabled:
            gc.enable()
    return world
