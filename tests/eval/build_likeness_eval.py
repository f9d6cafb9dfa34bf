"""Regenerate tests/eval/likeness_eval.jsonl, the labelled evaluation set of the likeness classifier.

Run: ``.venv/bin/python tests/eval/build_likeness_eval.py`` (deterministic; commit the JSONL).

Every person here is invented (common given names and surnames combined at random; about a quarter
of the given names and surnames are deliberately absent from the classifier's name lexicon). Fictional
characters are fiction. Records follow the staging schema (hub-apis.md): titles, tags, trigger words
and descriptions written the way uploaders write them, including hostile markup, emoji and CJK.

Labels: ``is_likeness`` (the model reproduces a real, identifiable person), ``target_gender`` and
``target_country`` of that person (the truth, even when the metadata does not reveal it), and
``nsfw_intent`` (nsfw flag, nsfwLevel X/XXX, or sexual terms in tags/trigger words/title).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

OUT = Path(__file__).with_name("likeness_eval.jsonl")
rng = random.Random(20261125)

# (given names female, given names male, surnames, nationality adjective, local tags)
PEOPLE = {
    "KR": (
        [
            "Mina",
            "Seo-yeon",
            "Ji-woo",
            "Ha-eun",
            "Yuna",
            "Chae-won",
            "Hye-jin",
            "So-hee",
            "Da-hyun",
            "Seol-a",
            "Ha-rin",
            "Yeon-seo",
            "Ga-on",
        ],
        ["Min-ho", "Jae-won", "Ji-hoon", "Do-hyun", "Tae-oh", "Gun-woo"],
        ["Kim", "Park", "Choi", "Jung", "Kang", "Yoon", "Han", "Seo", "Shin", "Kwon", "Baek", "Moon"],
        "Korean",
        ["kpop", "korean", "k-drama", "idol"],
    ),
    "CN": (
        ["Xiaoyu", "Meiling", "Yutong", "Ruoxi", "Xinyi", "Yiran", "Mengyao", "Ruoyun", "Qingyi", "Wanqing"],
        ["Haoran", "Zihao", "Yichen", "Mingze"],
        ["Wang", "Zhang", "Liu", "Zhao", "Zhou", "Xu", "Sun", "Gao", "Luo", "Tang"],
        "Chinese",
        ["chinese", "douyin", "weibo", "cpop"],
    ),
    "JP": (
        [
            "Misaki",
            "Haruka",
            "Aoi",
            "Rina",
            "Nanami",
            "Ayaka",
            "Hikari",
            "Miyu",
            "Sumire",
            "Kotoha",
            "Mahiro",
        ],
        ["Haruto", "Sota", "Kaito", "Itsuki"],
        [
            "Sato",
            "Tanaka",
            "Nakamura",
            "Kobayashi",
            "Watanabe",
            "Yamada",
            "Fujita",
            "Ishikawa",
            "Hoshino",
            "Kurosawa",
        ],
        "Japanese",
        ["japanese", "gravure", "jav", "j-pop"],
    ),
    "GB": (
        [
            "Chloe",
            "Amelia",
            "Isla",
            "Harriet",
            "Imogen",
            "Freya",
            "Eleanor",
            "Georgia",
            "Philippa",
            "Rosalind",
            "Tamsin",
        ],
        ["Oliver", "Harry", "Callum", "Rupert", "Torin"],
        [
            "Whitmore",
            "Ashby",
            "Hargreaves",
            "Pembroke",
            "Fairfax",
            "Thornton",
            "Holloway",
            "Cavendish",
            "Ellery",
            "Pryce",
        ],
        "British",
        ["british", "uk", "english actress"],
    ),
    "US": (
        [
            "Madison",
            "Kayla",
            "Brooke",
            "Ashley",
            "Savannah",
            "Jenna",
            "Kelsey",
            "Paige",
            "Brynlee",
            "Kaylin",
            "Daisha",
        ],
        ["Tyler", "Brandon", "Austin", "Jaxon", "Colby"],
        ["Carter", "Brennan", "Whitaker", "Delaney", "Sullivan", "Hayes", "Caldwell", "Vantreese", "Dunmore"],
        "American",
        ["american", "hollywood", "usa"],
    ),
    "BR": (
        ["Larissa", "Bruna", "Thaissa"],
        ["Caio"],
        ["Costa", "Ribeiro", "Albuquerque"],
        "Brazilian",
        ["brazilian"],
    ),
    "RU": (
        ["Anastasia", "Polina", "Varvara"],
        ["Artem"],
        ["Volkova", "Orlova", "Belyaeva"],
        "Russian",
        ["russian"],
    ),
    "IN": (
        ["Priya", "Kavya", "Ishani"],
        ["Arjun"],
        ["Sharma", "Iyer", "Bhandari"],
        "Indian",
        ["indian", "bollywood"],
    ),
    "TH": (["Ploy", "Pimchanok"], ["Thanawat"], ["Srisai", "Rattanaporn"], "Thai", ["thai"]),
    "FR": (
        ["Camille", "Margaux", "Solene"],
        ["Julien"],
        ["Dubois", "Fontaine", "Marchal"],
        "French",
        ["french"],
    ),
}
COUNTRY_WEIGHTS = {
    "KR": 22,
    "CN": 18,
    "JP": 16,
    "GB": 12,
    "US": 14,
    "BR": 4,
    "RU": 4,
    "IN": 4,
    "TH": 3,
    "FR": 3,
}
HANGUL = ["박미나", "김서연", "이하은", "최지우", "정유나", "강채원", "윤소희", "한예린", "서다현"]
HANZI = ["王小雨", "张雨桐", "刘若曦", "赵欣怡", "周一然", "许梦瑶", "孙婉清"]
JAPANESE = ["佐藤美咲", "田中はるか", "中村あおい", "小林りな", "渡辺ななみ", "星野ひかり"]

CELEB_F = ["actress", "singer", "kpop idol", "tv presenter", "news anchor", "athlete", "pop star", "model"]
CELEB_M = ["actor", "singer", "athlete", "rapper", "politician", "footballer"]
INFLUENCER = ["instagram", "influencer", "tiktok", "youtuber", "streamer", "cosplayer", "onlyfans"]
VERSION = [
    "",
    " LoRA",
    " v2",
    " v1.5",
    " - SDXL",
    " [Flux]",
    " (Pony)",
    " | LoCon",
    " XL",
    " LoRA v3",
    " - SD1.5",
    " [Illustrious]",
    " DoRA",
]
BASES = ["SD 1.5", "SDXL 1.0", "Pony", "Flux.1 D", "Illustrious", "SD 3.5"]
REAL_BASES = ["SD 1.5", "SDXL 1.0", "Pony", "Flux.1 D", "Flux.1 D", "SDXL 1.0"]
NSFW_TAGS = ["nsfw", "nude", "sexy", "lingerie", "porn", "naked"]
HOSTILE = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    "{{7*7}}",
    "'; DROP TABLE models;--",
    "<b onmouseover=alert(1)>",
]
EMOJI = ["✨", "🌸", "💋", "🔥", "👑", "🇰🇷", "💖"]
CREATORS = [
    "pixelmonk",
    "lora_forge",
    "v_artist",
    "dreamtrainer",
    "kohya_fan",
    "anon123",
    "realism_lab",
    "ai_waifu",
]

SEXUAL_TERMS = re.compile(
    r"\b(nsfw|nude|naked|porn|sexy|lingerie|hentai|explicit|onlyfans|not-for-all-audiences)\b"
)

records: list[dict] = []


def add(
    case: str,
    signals: dict,
    is_likeness: bool,
    gender: str = "unknown",
    country: str = "unknown",
    note: str = "",
) -> None:
    signals = {
        "hub": "civitai",
        "name": "",
        "type": "LORA",
        "tags": [],
        "description": None,
        "trained_words": [],
        "poi": None if signals.get("hub") == "huggingface" else False,
        "nsfw": None,
        "nsfw_level": None,
        "base_model": None,
        "creator": rng.choice(CREATORS),
        **signals,
    }
    if signals["hub"] == "huggingface":
        signals["poi"] = None
    text = " ".join(signals["tags"] + signals["trained_words"] + [signals["name"]]).lower()
    nsfw = bool(signals["nsfw"]) or bool((signals["nsfw_level"] or 0) & 24) or bool(SEXUAL_TERMS.search(text))
    expected = {"is_likeness": is_likeness, "nsfw_intent": nsfw}
    if is_likeness:
        expected |= {"target_gender": gender, "target_country": country}
    records.append(
        {
            "id": f"{len(records) + 1:04d}",
            "case": case,
            "signals": signals,
            "expected": expected,
            **({"note": note} if note else {}),
        }
    )


def person(country: str | None = None, gender: str | None = None) -> tuple[str, str, str, str]:
    """(full name, given, surname, gender) of an invented person."""
    country = country or rng.choices(list(COUNTRY_WEIGHTS), weights=list(COUNTRY_WEIGHTS.values()))[0]
    gender = gender or ("female" if rng.random() < 0.9 else "male")
    female, male, surnames, _, _ = PEOPLE[country]
    given = rng.choice(female if gender == "female" else male)
    surname = rng.choice(surnames)
    # Korean and Chinese names are often written surname first in romanised form too.
    full = f"{surname} {given}" if country in ("KR", "CN") and rng.random() < 0.3 else f"{given} {surname}"
    return full, given, surname, gender


def pick_country() -> str:
    return rng.choices(list(COUNTRY_WEIGHTS), weights=list(COUNTRY_WEIGHTS.values()))[0]


def nsfw_fields(p_nsfw: float) -> dict:
    if rng.random() < p_nsfw:
        return {"nsfw": True, "nsfw_level": rng.choice([4 | 8, 8 | 16, 1 | 2 | 4 | 8 | 16, 28])}
    return {"nsfw": False, "nsfw_level": rng.choice([1, 3, 1 | 2 | 4])}


def gender_tag(gender: str) -> str:
    return (
        rng.choice(["woman", "girl", "female", "women"])
        if gender == "female"
        else rng.choice(["man", "male"])
    )


def trigger_for(full: str) -> list[str]:
    compact = full.lower().replace(" ", "").replace("-", "")
    return rng.choice(
        [
            [compact],
            [f"{compact} woman"],
            [full.lower()],
            [f"photo of {full.lower()}"],
            [],
            [f"{compact[:3]}{compact[-2:]}"],
        ]
    )


# ---------------------------------------------------------------- positives
for _ in range(26):  # Civitai poi-flagged (pre-ban style)
    country = pick_country()
    full, _, _, gender = person(country)
    occupation = rng.choice(CELEB_F if gender == "female" else CELEB_M)
    tags = rng.sample(
        [
            "celebrity",
            occupation,
            gender_tag(gender),
            "realistic",
            "photorealistic",
            "person",
            "portrait",
            rng.choice(PEOPLE[country][4]),
        ],
        k=rng.randint(2, 5),
    )
    extra = nsfw_fields(0.45)
    if extra["nsfw"]:
        tags.append(rng.choice(NSFW_TAGS))
    add(
        "pos/poi_flagged",
        {
            "name": full + rng.choice(VERSION),
            "tags": tags,
            "poi": True,
            "trained_words": trigger_for(full),
            "base_model": rng.choice(REAL_BASES),
            **extra,
        },
        True,
        gender,
        country,
    )

for _ in range(30):  # post-ban: no poi flag, but likeness tags
    country = pick_country()
    full, _, _, gender = person(country)
    cue = rng.choice(
        [
            "celebrity",
            "real person",
            "actress" if gender == "female" else "actor",
            rng.choice(INFLUENCER),
            "kpop idol" if country == "KR" else "singer",
            "celeb",
        ]
    )
    tags = [cue] + rng.sample(
        [gender_tag(gender), "realistic", "photography", "sexy", "portrait", rng.choice(PEOPLE[country][4])],
        k=rng.randint(0, 3),
    )
    extra = nsfw_fields(0.5)
    add(
        "pos/unflagged_tagged",
        {
            "name": full + rng.choice(VERSION),
            "tags": tags,
            "trained_words": trigger_for(full),
            "base_model": rng.choice(REAL_BASES),
            **extra,
        },
        True,
        gender,
        country,
    )

for _ in range(26):  # name only: no likeness tags at all, the title and trigger carry the signal
    country = pick_country()
    full, _, _, gender = person(country)
    tags = rng.sample(
        [gender_tag(gender), "realistic", "photorealistic", "photography", "portrait", "sexy", "beautiful"],
        k=rng.randint(0, 3),
    )
    extra = nsfw_fields(0.5)
    add(
        "pos/name_only",
        {
            "name": full + rng.choice(VERSION),
            "tags": tags,
            "trained_words": trigger_for(full),
            "base_model": rng.choice(REAL_BASES),
            **extra,
        },
        True,
        gender,
        country,
        note="post-ban upload: only the title names the person",
    )

for _ in range(16):  # descriptor in the title
    country = pick_country()
    full, _, _, gender = person(country)
    adjective = PEOPLE[country][3]
    occupation = rng.choice(
        ["actress", "singer", "idol", "influencer", "model", "streamer", "news anchor"]
        if gender == "female"
        else ["actor", "singer", "athlete", "rapper"]
    )
    name = rng.choice(
        [
            f"[SDXL] {full} - {adjective} {occupation}",
            f"{full} ({adjective} {occupation})",
            f"{adjective} {occupation} {full} LoRA",
            f"{full} | {occupation} | Flux",
        ]
    )
    add(
        "pos/descriptor_title",
        {
            "name": name,
            "tags": rng.sample([gender_tag(gender), "realistic", "portrait"], k=1),
            "base_model": rng.choice(REAL_BASES),
            **nsfw_fields(0.3),
        },
        True,
        gender,
        country,
    )

for i in range(12):  # obfuscated title, description and trigger name the person
    country = pick_country()
    full, given, surname, gender = person(country)
    occupation = rng.choice(
        ["singer", "actress", "influencer", "streamer"] if gender == "female" else ["actor", "singer"]
    )
    pronoun = "her" if gender == "female" else "his"
    description = rng.choice(
        [
            f"<p>This is a LoRA of the {occupation} {full}. "
            f"Trained on 24 photos of {pronoun} red-carpet looks.</p>",
            f"<h3>About</h3><p>{PEOPLE[country][3]} {occupation} {full}, requested by a supporter.</p>"
            "<p>Use weight 0.8.</p>",
            f"<p>Likeness of {full} ({occupation}). Works best with realistic checkpoints.</p>",
        ]
    )
    title = rng.choice(
        [
            "Project Lotus",
            "Request #" + str(100 + i),
            "Commission - M",
            "Starlight",
            "Secret Muse",
            "Untitled 7",
            "Night Bloom",
        ]
    )
    add(
        "pos/obfuscated_title",
        {
            "name": title,
            "tags": rng.sample(["woman", "realistic", "girl", "photo"], k=1)
            if gender == "female"
            else ["man"],
            "description": description,
            "trained_words": [f"{given.lower()}{surname.lower()[:2]} {gender_tag(gender)}"],
            "base_model": rng.choice(REAL_BASES),
            **nsfw_fields(0.4),
        },
        True,
        gender,
        country,
    )

for name in HANGUL:  # CJK names
    add(
        "pos/cjk_name",
        {
            "name": name + rng.choice([" LoRA", "", " v2", " (배우)", " - 아이돌"]),
            "tags": rng.sample(["kpop", "idol", "woman", "korean", "realistic", "배우"], k=2),
            **nsfw_fields(0.3),
        },
        True,
        "female",
        "KR",
    )
for name in HANZI:
    add(
        "pos/cjk_name",
        {
            "name": name + rng.choice([" | 抖音网红", " 明星", " LoRA", "（女演员）"]),
            "tags": rng.sample(["chinese", "douyin", "woman", "realistic", "网红"], k=2),
            **nsfw_fields(0.3),
        },
        True,
        "female",
        "CN",
    )
for name in JAPANESE:
    add(
        "pos/cjk_name",
        {
            "name": name + rng.choice([" グラビア", " LoRA", " (女優)", ""]),
            "tags": rng.sample(["japanese", "gravure", "woman", "idol", "realistic"], k=2),
            **nsfw_fields(0.5),
        },
        True,
        "female",
        "JP",
    )

STAGE = [
    ("Hayoon", "Starlight Nine"),
    ("Seoah", "LUMINA"),
    ("Rhea", "Velvet Nine"),
    ("Nayun", "Prism Heart"),
    ("Yuna", "Aurora Nine"),
    ("Dahye", "NOVA-X"),
]
for stage, group in STAGE:  # mononym stage names
    add(
        "pos/stage_name",
        {
            "name": f"{stage} ({group}) " + rng.choice(["LoRA", "v2", "- SDXL"]),
            "tags": rng.sample(["kpop", "idol", "kpop idol", "woman", "korean", "singer"], k=3),
            **nsfw_fields(0.3),
        },
        True,
        "female",
        "KR",
    )

HF_USERS = ["lorauser42", "civit-mirror", "flux-trainer", "anon-archive", "dreambooth-lab", "backup_models"]
for _ in range(22):  # Hugging Face repos named after the person
    country = pick_country()
    full, given, surname, gender = person(country)
    slug = (
        rng.choice(
            [
                f"{given}-{surname}",
                f"{given}_{surname}_lora",
                f"{given}{surname}-flux-lora",
                f"{surname}-{given}-sdxl",
                f"{given}-{surname}-v2",
            ]
        )
        .lower()
        .replace("--", "-")
    )
    noun = "woman" if gender == "female" else "man"
    tags = [
        "lora",
        "text-to-image",
        "diffusers",
        "template:sd-lora",
        "region:us",
        rng.choice(
            [
                "base_model:adapter:black-forest-labs/FLUX.1-dev",
                "base_model:adapter:stabilityai/stable-diffusion-xl-base-1.0",
            ]
        ),
        rng.choice(["flux", "stable-diffusion-xl"]),
    ]
    if rng.random() < 0.4:
        tags.append(rng.choice(["celebrity", "not-for-all-audiences", "realistic", "person"]))
    add(
        "pos/hf_named_repo",
        {
            "hub": "huggingface",
            "name": f"{rng.choice(HF_USERS)}/{slug}",
            "tags": tags,
            "trained_words": [
                rng.choice(
                    [
                        f"photo of {given.lower()[:3]}{surname.lower()[:2]} {noun}",
                        f"{given.lower()} {surname.lower()}",
                        f"ohwx {noun}",
                    ]
                )
            ],
            "base_model": rng.choice(
                ["black-forest-labs/FLUX.1-dev", "stabilityai/stable-diffusion-xl-base-1.0"]
            ),
        },
        True,
        gender,
        country,
    )

for i in range(6):  # HF DreamBooth of a celebrity without a name in the repo
    add(
        "pos/hf_unnamed_celebrity",
        {
            "hub": "huggingface",
            "name": f"{rng.choice(HF_USERS)}/celeb-lora-{i:02d}",
            "tags": ["lora", "text-to-image", "celebrity", "region:us"],
            "trained_words": [rng.choice(["photo of sks woman", "a photo of ohwx woman"])],
        },
        True,
        "female",
        "unknown",
        note="target not named anywhere; country unknowable",
    )

for _ in range(10):  # hostile markup and emoji in titles/descriptions
    country = pick_country()
    full, _, _, gender = person(country)
    hostile = rng.choice(HOSTILE)
    emoji = rng.choice(EMOJI)
    title = rng.choice(
        [
            f"{hostile} {full} LoRA",
            f"{emoji} {full} {emoji}",
            f"{full}{emoji} v2",
            f"{emoji}{emoji} {full} - {rng.choice(CELEB_F)}",
        ]
    )
    add(
        "pos/hostile_or_emoji",
        {
            "name": title,
            "description": f"<p>{hostile}</p><p>{full}, {PEOPLE[country][3]} "
            f"{rng.choice(CELEB_F if gender == 'female' else CELEB_M)}.</p>",
            "tags": rng.sample(["celebrity", "woman", "realistic", hostile], k=2),
            **nsfw_fields(0.4),
        },
        True,
        gender,
        country,
    )

for _ in range(6):  # embeddings and full fine-tunes of a person
    country = pick_country()
    full, _, _, gender = person(country)
    kind = rng.choice(["TextualInversion", "Checkpoint"])
    add(
        "pos/embedding_or_checkpoint",
        {
            "name": f"{full} " + ("Embedding" if kind == "TextualInversion" else "Dreambooth"),
            "type": kind,
            "tags": rng.sample(["celebrity", "actress", "woman", "realistic", "person"], k=2)
            if gender == "female"
            else ["actor", "man"],
        },
        True,
        gender,
        country,
    )

for _ in range(5):  # real cosplayers as themselves (franchise tags present)
    country = pick_country()
    full, _, _, gender = person(country, "female")
    add(
        "pos/real_cosplayer",
        {
            "name": f"{full} (cosplayer)",
            "tags": [
                "cosplayer",
                "real person",
                "cosplay",
                rng.choice(["genshin impact", "final fantasy", "anime"]),
            ],
            "description": f"<p>Real cosplayer {full}. Her Tifa and Raiden costumes.</p>",
            **nsfw_fields(0.4),
        },
        True,
        "female",
        country,
    )

for i in range(4):  # private individuals
    add(
        "pos/private_person",
        {
            "hub": "huggingface",
            "name": rng.choice(HF_USERS)
            + "/"
            + rng.choice(["my-wife-lora", "girlfriend-photos-lora", "my-ex-v2", "neighbour-dreambooth"]),
            "tags": ["lora", "text-to-image", "person", "region:us"],
            "trained_words": [f"photo of sks{i} woman"],
        },
        True,
        "female",
        "unknown",
        note="private person; the most harmful case",
    )

for _ in range(8):  # male targets with mixed signals
    country = pick_country()
    full, _, _, _ = person(country, "male")
    add(
        "pos/male_target",
        {
            "name": full + rng.choice(VERSION),
            "tags": rng.sample(
                ["actor", "man", "male", "celebrity", "athlete", "politician", PEOPLE[country][3].lower()],
                k=3,
            ),
            "poi": rng.random() < 0.3,
            **nsfw_fields(0.2),
        },
        True,
        "male",
        country,
    )

# ---------------------------------------------------------------- hard negatives
KNOWN_CHARACTERS = [
    ("Asuka Langley Soryu", "Neon Genesis Evangelion", ["anime", "evangelion"]),
    ("Rei Ayanami", "Evangelion", ["anime", "character"]),
    ("Tifa Lockhart", "Final Fantasy VII", ["video game", "final fantasy"]),
    ("Aerith Gainsborough", "FF7", ["game character", "character"]),
    ("2B", "NieR: Automata", ["game character", "nier automata"]),
    ("Raiden Shogun", "Genshin Impact", ["genshin impact", "anime"]),
    ("Hu Tao", "Genshin Impact", ["genshin", "character"]),
    ("Yae Miko", "Genshin Impact", ["anime", "game"]),
    ("Kafka", "Honkai: Star Rail", ["honkai star rail"]),
    ("Firefly", "Honkai Star Rail", ["character", "game"]),
    ("Makima", "Chainsaw Man", ["anime", "manga"]),
    ("Yor Forger", "Spy x Family", ["anime", "spy x family"]),
    ("Marin Kitagawa", "My Dress-Up Darling", ["anime", "character"]),
    ("Mikasa Ackerman", "Attack on Titan", ["anime", "attack on titan"]),
    ("Hinata Hyuga", "Naruto", ["anime", "naruto"]),
    ("Nami", "One Piece", ["anime", "one piece"]),
    ("Lara Croft", "Tomb Raider", ["video game", "tomb raider"]),
    ("Jill Valentine", "Resident Evil", ["resident evil", "game character"]),
    ("Ciri", "The Witcher 3", ["the witcher", "video game"]),
    ("Chun-Li", "Street Fighter", ["street fighter", "game"]),
    ("D.Va", "Overwatch", ["overwatch", "game character"]),
    ("Jinx", "Arcane", ["arcane", "league of legends"]),
    ("Ahri", "League of Legends", ["league of legends"]),
    ("Frieren", "Sousou no Frieren", ["anime", "frieren"]),
    ("Nezuko Kamado", "Demon Slayer", ["anime", "demon slayer"]),
    ("Rem", "Re:Zero", ["anime", "re zero"]),
    ("Megumin", "Konosuba", ["anime", "konosuba"]),
    ("Ai Hoshino", "Oshi no Ko", ["anime", "oshi no ko"]),
    ("Ellen Joe", "Zenless Zone Zero", ["zenless zone zero", "game"]),
    ("Princess Zelda", "Tears of the Kingdom", ["zelda", "nintendo"]),
    ("Kaguya Shinomiya", "Kaguya-sama", ["anime", "manga"]),
    ("Miku Nakano", "Quintessential Quintuplets", ["anime", "character"]),
    ("Gwen Stacy", "Spider-Verse", ["marvel", "cartoon"]),
    ("Bayonetta", "Bayonetta 3", ["bayonetta", "video game"]),
    ("Makoto Niijima", "Persona 5", ["persona 5", "game"]),
]
BOORU = [
    "1girl",
    "solo",
    "long hair",
    "short hair",
    "blue eyes",
    "red eyes",
    "looking at viewer",
    "smile",
    "bangs",
    "school uniform",
    "thighhighs",
    "hair ornament",
]
for character, franchise, tags in KNOWN_CHARACTERS:
    style = rng.random()
    if style < 0.4:
        name, tags_out = f"{character} ({franchise})" + rng.choice(VERSION), tags + ["character"]
    elif style < 0.7:
        name, tags_out = f"{character} | {franchise}", rng.sample(tags, k=1)
    else:
        name, tags_out = character + rng.choice(VERSION), tags
    trained = [", ".join([character.lower()] + rng.sample(BOORU, k=rng.randint(1, 4)))]
    add(
        "neg/known_fictional",
        {
            "name": name,
            "tags": tags_out,
            "trained_words": trained,
            "base_model": rng.choice(BASES),
            **nsfw_fields(0.5),
        },
        False,
    )

INVENTED_CHARACTERS = [
    ("Lyra Starfall", "Crystal Saga Online"),
    ("Kiriha Amane", "Blade of Dusk"),
    ("Sera Vantis", "Aether Chronicle"),
    ("Momo Kurobane", "Starlight Academy"),
    ("Rin Kagurazaka", "Phantom Requiem"),
    ("Elowen Drake", "Ashen Crown"),
    ("Mei Lanfang", "Jade Sky Wanderers"),
    ("Aria Valenhart", "Eclipse Knights"),
    ("Yuzuha Tsukimi", "Moonlit Café"),
    ("Nyx Calder", "Void Drifters"),
    ("Hana Shirasagi", "Sakura Requiem"),
    ("Vesper Lynn", "Neon Abyss Chronicle"),
    ("Emily Hart", "Hearts of Avalon"),
    ("Sophia Crane", "Blue Horizon Academy"),
    ("Chloe Winter", "Frostbound"),
    ("Misaki Aoyama", "Summer Pocket Stars"),
]
for character, franchise in INVENTED_CHARACTERS:
    tags = rng.sample(
        ["anime", "anime girl", "manga", "game character", "character", "waifu", "visual novel", "gacha"], k=2
    )
    name = rng.choice(
        [
            f"{character} ({franchise})",
            f"{character} - {franchise}",
            f"{character} [{franchise}]",
            f"{character} | anime",
        ]
    )
    trained = [", ".join([character.lower().replace(" ", "_")] + rng.sample(BOORU, k=rng.randint(2, 4)))]
    add(
        "neg/invented_fictional",
        {
            "name": name,
            "tags": tags,
            "trained_words": trained,
            "base_model": rng.choice(["Illustrious", "Pony", "NoobAI", "SDXL 1.0"]),
            **nsfw_fields(0.5),
        },
        False,
        note="invented franchise: only generic fiction markers tell it apart",
    )

for title, tags in [
    ("Mira (OC)", ["original character", "oc"]),
    ("My OC - Lady Nocturne", ["oc", "anime"]),
    ("Kitsune Girl Yuki (original character)", ["original character", "fox girl"]),
    ("Nyanmi Aurora (VTuber)", ["vtuber", "virtual youtuber"]),
    ("Pekora-style VTuber avatar", ["vtuber", "hololive"]),
    ("Shiori Novella | Hololive EN", ["hololive", "vtuber"]),
    ("Ember the Dragon Knight (OC)", ["oc", "fantasy"]),
    ("Lumi - my original waifu", ["waifu", "anime"]),
    ("Zara Quinn (comic OC)", ["comic", "original character"]),
    ("Cyber Nun Sister Vera", ["original character", "cyberpunk"]),
]:
    add(
        "neg/original_or_vtuber",
        {
            "name": title,
            "tags": tags,
            "trained_words": [", ".join(rng.sample(BOORU, k=3))],
            **nsfw_fields(0.4),
        },
        False,
    )

for title, tags in [
    ("Realistic Tifa Cosplay", ["cosplay", "realistic", "final fantasy"]),
    ("Live Action Makima", ["chainsaw man", "realistic", "cosplay"]),
    ("Lara Croft - Photoreal", ["tomb raider", "photorealistic", "woman"]),
    ("Geralt of Rivia (realistic)", ["the witcher", "man", "realistic"]),
    ("Real Life 2B Cosplay", ["nier automata", "cosplay", "realistic"]),
    ("Raiden Shogun Cosplay - Realistic", ["genshin impact", "cosplay", "photography"]),
    ("Realistic Yor Forger", ["spy x family", "realistic", "woman"]),
    ("Jinx cosplay photo LoRA", ["arcane", "cosplay"]),
    ("Photoreal Hinata", ["naruto", "realistic", "anime character"]),
    ("Asuka Plugsuit Cosplay", ["evangelion", "cosplay", "costume"]),
]:
    add(
        "neg/cosplay_of_fictional",
        {"name": title, "tags": tags, "base_model": rng.choice(REAL_BASES), **nsfw_fields(0.4)},
        False,
        note="realistic rendering of a fictional character",
    )

GENERIC = [
    ("Beautiful Woman", ["woman", "realistic", "beautiful"]),
    ("Realistic Asian Girl", ["asian", "girl", "realistic"]),
    ("Korean Doll Likeness", ["korean", "woman", "realistic"]),
    ("Japanese Doll Likeness", ["japanese", "doll"]),
    ("Taiwan Doll Likeness v2", ["asian", "woman"]),
    ("Instagram Girl Style", ["instagram", "style", "woman"]),
    ("Average Woman Face", ["woman", "face"]),
    ("Cute Girl Mix", ["girl", "cute"]),
    ("Nordic Beauty", ["woman", "nordic", "realistic"]),
    ("Latina Woman", ["woman", "latina"]),
    ("Asian Male", ["man", "asian"]),
    ("Handsome Man", ["man", "realistic"]),
    ("E-girl Aesthetic", ["egirl", "style"]),
    ("Kpop Idol Style", ["kpop", "idol", "style"]),
    ("Chinese Influencer Face", ["chinese", "influencer", "face"]),
    ("Perfect Eyes", ["eyes", "detail"]),
    ("Realistic Milf", ["milf", "realistic", "nsfw"]),
    ("Gyaru Style", ["gyaru", "style", "japanese"]),
    ("Euro Woman Mix", ["woman", "european"]),
    ("Slavic Beauty", ["woman", "slavic"]),
    ("Ulzzang Face v3", ["korean", "face", "ulzzang"]),
    ("Tiktok Girl", ["tiktok", "girl", "realistic"]),
    ("Amateur Photo Woman", ["amateur", "photo", "woman"]),
    ("Beautiful Asian Girls", ["asian", "girls", "sexy"]),
    ("Realistic Brunette", ["brunette", "woman"]),
    ("Hot Redhead", ["redhead", "sexy", "woman"]),
]
for title, tags in GENERIC:
    add(
        "neg/generic_look",
        {
            "name": title + rng.choice(["", " LoRA", " v2", " [SDXL]"]),
            "tags": tags,
            "trained_words": rng.choice([[], ["beautiful woman"], ["asian girl"], ["realistic photo"]]),
            "base_model": rng.choice(REAL_BASES),
            **nsfw_fields(0.5),
        },
        False,
        note="a generic look, no specific person",
    )

NON_SUBJECT = [
    ("Red Qipao Dress", ["clothing", "chinese", "dress"]),
    ("Cyber Armor", ["clothing", "armor", "sci-fi"]),
    ("Gothic Lolita Dress", ["clothing", "gothic lolita"]),
    ("School Uniform (JK)", ["clothing", "uniform"]),
    ("Hanbok", ["clothing", "korean"]),
    ("Lingerie Set", ["clothing", "lingerie"]),
    ("Wedding Dress Collection", ["clothing", "wedding dress"]),
    ("Latex Catsuit", ["clothing", "latex"]),
    ("Office Lady Suit", ["outfit", "office"]),
    ("Bikini Pack", ["clothing", "swimsuit"]),
    ("Sitting Pose Helper", ["poses", "pose"]),
    ("Dynamic Action Poses", ["poses"]),
    ("Hands on Hips Pose", ["pose"]),
    ("POV Concept", ["concept", "pov"]),
    ("Neon Lights", ["concept", "lighting"]),
    ("Melting Concept", ["concept", "effect"]),
    ("Rain Window Background", ["background", "scenery"]),
    ("Age Slider", ["slider", "tool"]),
    ("Detail Tweaker", ["detail", "tool"]),
    ("Breast Size Slider", ["slider", "nsfw"]),
    ("Add More Details", ["detail", "enhancer"]),
    ("Better Hands", ["hands", "fixer"]),
    ("Ukiyo-e Style", ["style", "art style"]),
    ("Watercolor Illustration", ["style", "watercolor"]),
    ("Pixel Art XL", ["style", "pixel art"]),
    ("Studio Ghibli Style", ["style", "anime"]),
    ("Film Grain Photography", ["style", "film"]),
    ("Helena Marsh Art Style", ["style", "artist", "painting"]),
    ("In the style of Tobias Wren", ["style", "artist"]),
    ("Marguerite Vance Oil Painting", ["style", "oil painting"]),
    ("Nude Beach Concept", ["concept", "nude"]),
    ("Ahegao", ["concept", "expression", "nsfw"]),
    ("Tattoo Sleeve", ["tattoo", "concept"]),
    ("Freckles Helper", ["skin", "detail"]),
    ("Golden Retriever", ["animal", "dog"]),
    ("Porsche 911", ["vehicle", "car"]),
    ("Gothic Cathedral", ["buildings", "architecture"]),
    ("Cozy Cafe Interior", ["background", "interior"]),
    ("Juggernaut XL", ["base model", "photorealistic"]),
    ("Dream Shaper", ["base model", "realistic"]),
    ("Cyber Realistic", ["base model", "photorealistic"]),
]
for title, tags in NON_SUBJECT:
    kind = "Checkpoint" if "base model" in tags else rng.choice(["LORA", "LORA", "LoCon"])
    if "poses" in tags:
        kind = "Poses"
    add(
        "neg/style_concept_clothing_pose",
        {
            "name": title + rng.choice(["", " LoRA", " v1.0", " XL"]),
            "type": kind,
            "tags": tags,
            "base_model": rng.choice(BASES),
            **nsfw_fields(0.3),
        },
        False,
    )

for title, kind in [
    ("SDXL VAE fp16 fix", "VAE"),
    ("4x UltraSharp", "Upscaler"),
    ("OpenPose ControlNet", "Controlnet"),
    ("AnimateDiff Motion v3", "MotionModule"),
    ("Face Detailer Workflow", "Workflows"),
    ("Character Wildcards", "Wildcards"),
    ("Face YOLO Detector", "Detection"),
    ("Kim Mina Pose Pack", "Poses"),
]:
    add("neg/non_person_type", {"name": title, "type": kind, "tags": ["tool"]}, False)

HF_NEGATIVE = [
    ("nerijs/pixel-art-xl", ["lora", "pixel art", "stable-diffusion-xl"], ["pixel art"]),
    ("someone/anime-lineart-lora", ["lora", "anime", "text-to-image"], ["lineart"]),
    ("studio/flux-realism-lora", ["lora", "flux", "realism"], ["realistic photo"]),
    ("diffusers/cat-toy-dreambooth", ["dreambooth", "text-to-image"], ["photo of sks toy"]),
    ("labs/sks-dog", ["dreambooth", "text-to-image"], ["a photo of sks dog"]),
    ("labs/zwx-cat-lora", ["lora", "text-to-image"], ["a photo of zwx cat"]),
    ("artsy/watercolor-style-flux", ["lora", "flux", "style"], ["watercolor style"]),
    ("fanart/raiden-shogun-genshin-lora", ["lora", "anime", "genshin impact"], ["raiden shogun, 1girl"]),
    ("fanart/tifa-lockhart-ff7-flux", ["lora", "flux", "final fantasy"], ["tifa lockhart"]),
    ("fanart/frieren-lora", ["lora", "anime"], ["frieren, 1girl, elf"]),
    ("modelhub/sdxl-vae-fp16", ["vae", "stable-diffusion-xl"], []),
    ("archi/interior-design-lora", ["lora", "architecture", "interior"], ["interior design"]),
    ("tuner/detail-slider-xl", ["lora", "slider"], []),
    ("photo/film-portrait-style", ["lora", "style", "film"], ["kodak portra style"]),
    ("gen/beautiful-asian-woman-lora", ["lora", "realistic", "woman"], ["beautiful asian woman"]),
    ("gen/generic-korean-girl", ["lora", "korean", "girl"], ["korean girl"]),
    (
        "chars/lyra-starfall-crystal-saga",
        ["lora", "anime", "game character"],
        ["lyra starfall, 1girl, long hair"],
    ),
    ("poses/yoga-poses-controlnet", ["controlnet", "pose"], []),
    ("fx/neon-glow-effect", ["lora", "effect", "concept"], ["neon glow"]),
    ("food/sushi-photography", ["lora", "food", "photography"], ["sushi photo"]),
]
for name, tags, trained in HF_NEGATIVE:
    add(
        "neg/hf_non_person",
        {
            "hub": "huggingface",
            "name": name,
            "tags": tags + ["region:us", "diffusers"],
            "trained_words": trained,
            "type": "LORA" if "lora" in tags else None,
        },
        False,
    )

for title, tags in [
    ('<script>alert("x")</script> Anime Style ✨', ["style", "anime"]),
    ("🌸 Sakura Petals 🌸", ["concept", "background"]),
    ("<b>Cyber</b> Armor {{7*7}}", ["clothing", "armor"]),
    ("'; DROP TABLE models;-- Pixel Style", ["style", "pixel art"]),
    ("💋 Lipstick Makeup 💋", ["makeup", "concept"]),
    ("🔥Fire Magic Effect🔥", ["effect", "concept"]),
    ("👑 Queen Elara (OC) 👑", ["oc", "fantasy", "anime"]),
]:
    add(
        "neg/hostile_or_emoji",
        {
            "name": title,
            "tags": tags,
            "description": '<p onclick="steal()">Enjoy!</p><img src=x onerror=alert(1)>',
        },
        False,
    )


def main() -> None:
    with OUT.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    positives = sum(r["expected"]["is_likeness"] for r in records)
    print(f"{len(records)} records ({positives} likeness, {len(records) - positives} not) -> {OUT}")


if __name__ == "__main__":
    main()
