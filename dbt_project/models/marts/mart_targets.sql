{#- One row per target person (normalised name) of likeness models, across hubs. -#}

{%- set down = "('" ~ var('lw_down_statuses') | join("', '") ~ "')" %}

with

likeness as (

    select
        *,
        lw_name_key(target_name) as target_key
    from {{ ref('dim_model') }}
    where is_likeness and target_name is not null

),

final as (

    select
        target_key,
        mode(target_name) as target_name,
        list(distinct hub order by hub) as hubs,
        count(*) as models,
        coalesce(sum(version_count), 0)::bigint as versions,
        coalesce(sum(downloads), 0)::bigint as downloads,
        min(first_seen) as first_seen,
        max(last_seen) as last_seen,
        coalesce(mode(target_gender) filter (where target_gender <> 'unknown'), 'unknown') as gender,
        coalesce(mode(target_country) filter (where target_country <> 'unknown'), 'unknown') as country,
        coalesce(mode(target_prominence) filter (where target_prominence <> 'unknown'), 'unknown')
            as prominence,
        count(*) filter (where status = 'active') as active_models,
        count(*) filter (where status in {{ down }}) as taken_down_models,
        count(*) filter (where nsfw_intent) as nsfw_intent_models
    from likeness
    where target_key <> '' and target_key <> 'unknown'
    group by target_key

)

select * from final
