{#- One row per (day, hub) over each hub's crawled period: flows (new, taken down, downloads) and
    stock (active likeness models and their make-up) of likeness models. -#}

{%- set down = "('" ~ var('lw_down_statuses') | join("', '") ~ "')" %}

with

visible_partitions as (

    select hub, dt, status
    from {{ ref('stg_lake__partitions') }}

),

partitions as (

    select hub, dt
    from visible_partitions
    where status = 'committed'

),

{# quarantined days extend the spine too: they show up as days without a partition #}
spine as (

    select hub, unnest(generate_series(min(dt), max(dt), interval 1 day))::date as day
    from visible_partitions
    group by hub

),

likeness as (

    select hub, model_id, first_seen, target_gender, nsfw_intent
    from {{ ref('dim_model') }}
    where is_likeness

),

changes as (

    select changes.*
    from {{ ref('int_model_status_changes') }} as changes
    semi join likeness using (hub, model_id)

),

status_intervals as (

    select
        hub,
        model_id,
        status,
        changed_on as valid_from,
        lead(changed_on, 1, date '9999-12-31') over (partition by hub, model_id order by changed_on) as valid_to
    from changes

),

active as (

    select
        spine.hub,
        spine.day,
        count(*) as active_likeness_models,
        count(*) filter (where likeness.target_gender = 'female') as women,
        count(*) filter (where likeness.target_gender = 'male') as men,
        count(*) filter (where likeness.nsfw_intent) as nsfw_intent
    from spine
    inner join status_intervals
        on status_intervals.hub = spine.hub
        and spine.day >= status_intervals.valid_from
        and spine.day < status_intervals.valid_to
    inner join likeness
        on likeness.hub = status_intervals.hub and likeness.model_id = status_intervals.model_id
    where status_intervals.status = 'active'
    group by spine.hub, spine.day

),

new_models as (

    select hub, first_seen as day, count(*) as new_likeness_models
    from likeness
    group by hub, first_seen

),

takedowns as (

    select hub, changed_on as day, count(*) as taken_down_likeness_models
    from changes
    where status in {{ down }} and previous_status is not null and previous_status not in {{ down }}
    group by hub, changed_on

),

download_observations as (

    select
        fct.hub,
        fct.dt,
        fct.downloads
            - coalesce(lag(fct.downloads) over (partition by fct.hub, fct.model_id order by fct.dt), 0)
            as downloads_delta
    from {{ ref('int_model_daily') }} as fct
    semi join likeness using (hub, model_id)
    where fct.downloads is not null

),

downloads as (

    select hub, dt as day, sum(downloads_delta) as downloads_delta
    from download_observations
    group by hub, dt

),

final as (

    select
        spine.day,
        spine.hub,
        partitions.dt is not null as has_partition,
        coalesce(new_models.new_likeness_models, 0) as new_likeness_models,
        coalesce(active.active_likeness_models, 0) as active_likeness_models,
        coalesce(takedowns.taken_down_likeness_models, 0) as taken_down_likeness_models,
        sum(coalesce(downloads.downloads_delta, 0)) over (
            partition by spine.hub order by spine.day rows between unbounded preceding and current row
        )::bigint as likeness_downloads,
        coalesce(downloads.downloads_delta, 0)::bigint as downloads_delta,
        active.women / nullif(active.women + active.men, 0) as share_women,
        active.nsfw_intent / nullif(active.active_likeness_models, 0) as share_nsfw_intent
    from spine
    left join partitions on partitions.hub = spine.hub and partitions.dt = spine.day
    left join new_models on new_models.hub = spine.hub and new_models.day = spine.day
    left join active on active.hub = spine.hub and active.day = spine.day
    left join takedowns on takedowns.hub = spine.hub and takedowns.day = spine.day
    left join downloads on downloads.hub = spine.hub and downloads.day = spine.day

)

select * from final
