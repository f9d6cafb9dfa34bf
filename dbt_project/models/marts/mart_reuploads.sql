{#- Files (by SHA256) seen on more than one model or hub: one row per appearance of the file on a
    model, the first appearance (appearance = 1) included, in order of publication. A later
    appearance is "after_takedown" when an earlier holder of the file had been taken down or
    removed by the time it was published. -#}

with

{# a cheap pass first: the files held by more than one model; the rest only for those #}
shared as (

    select sha256
    from {{ ref('int_model_files') }}
    where sha256 is not null
    group by sha256
    having count(distinct (hub, model_id)) > 1

),

files as (

    select *
    from {{ ref('int_model_files') }}
    semi join shared using (sha256)

),

models as (

    select hub, model_id, name, status, is_likeness, target_name, taken_down_on
    from {{ ref('dim_model') }}

),

appearances as (

    select
        sha256,
        hub,
        model_id,
        arg_min(version_id, (coalesce(version_published_at, first_seen), version_id)) as version_id,
        arg_min(file_name, (coalesce(version_published_at, first_seen), version_id)) as file_name,
        min(version_published_at) as published_at,
        min(first_seen) as seen_on
    from files
    group by sha256, hub, model_id

),

ordered as (

    select
        appearances.*,
        coalesce(appearances.published_at::date, appearances.seen_on) as appeared_on,
        models.name as model_name,
        models.status,
        models.is_likeness,
        models.target_name,
        models.taken_down_on
    from appearances
    left join models using (hub, model_id)

),

ranked as (

    select
        *,
        row_number() over by_appearance as appearance,
        first_value(hub) over by_appearance as first_hub,
        first_value(model_id) over by_appearance as first_model_id,
        first_value(appeared_on) over by_appearance as first_appeared_on,
        first_value(seen_on) over by_appearance as first_seen,
        min(taken_down_on) over (
            by_appearance rows between unbounded preceding and 1 preceding
        ) as earlier_takedown_on
    from ordered
    window by_appearance as (partition by sha256 order by appeared_on, seen_on, hub, model_id)

),

final as (

    select
        sha256,
        appearance,
        appearance = 1 as is_first,
        hub,
        model_id,
        version_id,
        file_name,
        model_name,
        status,
        is_likeness,
        target_name,
        appeared_on,
        seen_on,
        first_hub,
        first_model_id,
        first_appeared_on,
        first_seen,
        hub <> first_hub as is_cross_hub,
        coalesce(earlier_takedown_on <= appeared_on, false) as after_takedown,
        case when earlier_takedown_on <= appeared_on then earlier_takedown_on end as earlier_takedown_on,
        case when earlier_takedown_on <= appeared_on then appeared_on - earlier_takedown_on end
            as days_after_takedown
    from ranked

)

select * from final
