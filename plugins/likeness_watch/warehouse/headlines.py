"""A few headline numbers from the marts, for the CLI and the demo's closing summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from likeness_watch.warehouse.access import connect


@dataclass(frozen=True)
class HubHeadline:
    """One hub's totals in the warehouse."""

    hub: str
    models: int
    likeness_models: int
    likeness_versions: int
    likeness_downloads: int
    taken_down_likeness_models: int


@dataclass(frozen=True)
class Headlines:
    """What a reader wants to see first after a build."""

    hubs: list[HubHeadline]
    targets: int
    share_women: float | None
    reuploads_after_takedown: int
    first_day: str | None
    last_day: str | None

    def lines(self) -> list[str]:
        """Plain-text lines (hub-provided strings never appear here, only counts)."""
        period = f"{self.first_day} → {self.last_day}" if self.first_day else "no crawl days yet"
        out = [f"period: {period}"]
        for h in self.hubs:
            out.append(
                f"{h.hub}: {h.models} models, {h.likeness_models} likeness models "
                f"({h.likeness_versions} versions, {h.likeness_downloads} downloads), "
                f"{h.taken_down_likeness_models} taken down"
            )
        women = "n/a" if self.share_women is None else f"{self.share_women:.0%}"
        out.append(f"targets: {self.targets} people, women {women} of those with a known gender")
        out.append(f"files re-uploaded after a takedown: {self.reuploads_after_takedown}")
        return out


_HUBS_SQL = """
select
    m.hub,
    count(*) as models,
    count(*) filter (where m.is_likeness) as likeness_models,
    coalesce(max(v.versions), 0) as likeness_versions,
    coalesce(max(v.downloads), 0) as likeness_downloads,
    count(*) filter (where m.is_likeness and m.taken_down_on is not null) as taken_down
from main.dim_model as m
left join (
    select hub, count(*) as versions, coalesce(sum(downloads), 0)::bigint as downloads
    from main.fct_likeness_versions group by hub
) as v using (hub)
group by m.hub
order by m.hub
"""

_TOTALS_SQL = """
select
    (select count(*) from main.mart_targets),
    (select count(*) filter (where target_gender = 'female')
        / nullif(count(*) filter (where target_gender in ('female', 'male')), 0)
     from main.dim_model where is_likeness),
    (select count(distinct sha256) from main.mart_reuploads where after_takedown),
    (select strftime(min(day), '%Y-%m-%d') from main.mart_likeness_daily),
    (select strftime(max(day), '%Y-%m-%d') from main.mart_likeness_daily)
"""


def headline_numbers(warehouse: Path) -> Headlines:
    """Read the headline numbers (the warehouse is opened read-only and closed again)."""
    con = connect(warehouse, read_only=True)
    try:
        hubs = [HubHeadline(*row) for row in con.execute(_HUBS_SQL).fetchall()]
        totals = con.execute(_TOTALS_SQL).fetchone() or (0, None, 0, None, None)
    finally:
        con.close()
    targets, share_women, reuploads, first_day, last_day = totals
    return Headlines(hubs, targets, share_women, reuploads, first_day, last_day)
