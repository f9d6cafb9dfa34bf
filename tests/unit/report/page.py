"""Read one section of a rendered study report, so a test asserts on that section alone."""

from __future__ import annotations


def section(page: str, section_id: str) -> str:
    """The HTML of ``<section id=section_id>`` up to its closing tag."""
    start = page.index(f'<section id="{section_id}">')
    return page[start : page.index("</section>", start)]
