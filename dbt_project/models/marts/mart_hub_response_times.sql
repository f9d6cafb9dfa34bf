{#- One row per model reported to its hub (int_review__reports): when the report was filed, when
    the model was first seen down after it (by the crawl or by a reviewer), the hours in between
    and whether the hub kept it up past the takedown deadline (var lw_takedown_deadline_hours,
    LW_TAKEDOWN_DEADLINE_HOURS, default 48).

    Crawl time: the crawl of day dt sees the hub as it is once that day is over, so its
    observation instant is dt + 1 day, 00:00 UTC (a scheduled crawl starts then at the
    earliest; fetched_at is later by the crawl's own delay, and in the simulator it is the wall
    clock). A takedown the crawl first shows on day dt is dated dt + 1 day: an upper bound, to
    a day's resolution, and only as fast as the crawl notices removals (refreshes and sweeps). -#}

{%- set down = "('" ~ var('lw_down_statuses') | join("', '") ~ "')" %}
{%- set deadline_hours = var('lw_takedown_deadline_hours', 48) | int %}

with

reports as (

    select * from {{ ref('int_review__reports') }}

),

{# the reported models' statuses, each valid from the observation that showed it to the next change #}
status_intervals as (

    select
        changes.hub,
        changes.model_id,
        changes.status,
        changes.changed_on + interval 1 day as valid_from,
        lead(changes.changed_on + interval 1 day) over (
            partition by changes.hub, changes.model_id order by changes.changed_on
        ) as valid_to
    from {{ ref('int_model_status_changes') }} as changes
    semi join reports using (hub, model_id)

),

{# the first instant at or after the report at which the crawl shows the model down: the report
   itself when it was already down then #}
crawl_takedowns as (

    select
        reports.hub,
        reports.model_id,
        min(greatest(status_intervals.valid_from, reports.reported_at)) as seen_down_at
    from reports
    inner join status_intervals
        on status_intervals.hub = reports.hub
        and status_intervals.model_id = reports.model_id
        and status_intervals.status in {{ down }}
        and (status_intervals.valid_to is null or status_intervals.valid_to > reports.reported_at)
    group by reports.hub, reports.model_id

),

first_observations as (

    select hub, model_id, min(valid_from) as first_observed_at
    from status_intervals
    group by hub, model_id

),

observations as (

    select hub, dt, dt + interval 1 day as observed_at
    from {{ ref('stg_lake__partitions') }}
    where status = 'committed'

),

last_observations as (

    select hub, max(observed_at) as last_observed_at
    from observations
    group by hub

),

clocks as (

    select
        reports.hub,
        reports.model_id,
        reports.reported_at,
        reports.reported_by,
        reports.reports,
        reports.reported_at + to_hours({{ deadline_hours }}) as deadline_at,
        least(crawl_takedowns.seen_down_at, reports.removal_seen_at) as taken_down_at,
        case
            when crawl_takedowns.seen_down_at <= coalesce(reports.removal_seen_at, crawl_takedowns.seen_down_at)
                then 'crawl'
            when reports.removal_seen_at is not null then 'review'
        end as taken_down_via,
        first_observations.first_observed_at
    from reports
    left join crawl_takedowns using (hub, model_id)
    left join first_observations using (hub, model_id)

),

{# the first crawl at or after the deadline that still saw the model up #}
overdue as (

    select
        clocks.hub,
        clocks.model_id,
        min(observations.dt) as overdue_on
    from clocks
    inner join observations
        on observations.hub = clocks.hub
        and observations.observed_at >= clocks.deadline_at
        and observations.observed_at >= clocks.first_observed_at
        and (clocks.taken_down_at is null or clocks.taken_down_at > observations.observed_at)
    group by clocks.hub, clocks.model_id

),

models as (

    select hub, model_id, name, url, status
    from {{ ref('dim_model') }}

),

final as (

    select
        ---------- ids
        clocks.hub,
        clocks.model_id,
        models.url,

        ---------- strings
        models.name,
        models.status,
        clocks.reported_by,
        clocks.taken_down_via,
        case
            when clocks.taken_down_at <= clocks.deadline_at then 'taken_down_in_time'
            when clocks.taken_down_at is not null then 'taken_down_late'
            when overdue.overdue_on is not null then 'overdue'
            else 'pending'
        end as response_status,

        ---------- numerics
        clocks.reports,
        {{ deadline_hours }} as deadline_hours,
        date_diff('second', clocks.reported_at, clocks.taken_down_at) / 3600.0 as hours_to_takedown,

        ---------- booleans
        case
            when clocks.taken_down_at is not null then clocks.taken_down_at > clocks.deadline_at
            when overdue.overdue_on is not null then true
        end as still_up_after_deadline,

        ---------- timestamps and dates
        clocks.reported_at,
        clocks.deadline_at,
        clocks.taken_down_at,
        overdue.overdue_on,
        last_observations.last_observed_at

    from clocks
    left join overdue using (hub, model_id)
    left join models using (hub, model_id)
    left join last_observations using (hub)

)

select * from final
