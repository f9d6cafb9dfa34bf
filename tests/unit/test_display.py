"""What ``visible`` escapes, and what it leaves alone."""

from __future__ import annotations

import pytest

from likeness_watch.display import visible


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\x00b\x1bc\x7fd\x85e", "a\\x00b\\x1bc\\x7fd\\x85e"),  # C0, DEL, C1 controls
        ("x\u202ey\u2067z\u2069\u061c", "x\\u202ey\\u2067z\\u2069\\u061c"),  # bidi override, isolates, ALM
        ("zero\u200bwidth\ufeff\u00ad", "zero\\u200bwidth\\ufeff\\xad"),  # zero-width, BOM, soft hyphen
        ("line\u2028para\u2029tag\U000e0041", "line\\u2028para\\u2029tag\\U000e0041"),
        ("  two\t\tlines\r\nhere  ", "two lines here"),  # layout whitespace: one space, trimmed
        ("Zoë 山田\u3000花子 \xa0 🫨 ", "Zoë 山田\u3000花子 \xa0 🫨"),  # ordinary text and spaces, new emoji
        (None, "None"),
    ],
)
def test_controls_and_bidi_characters_are_escaped_everything_else_kept(text, shown):
    assert visible(text) == shown
