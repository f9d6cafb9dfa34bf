{#- Latest known record of every model (tombstones never overwrite it), with the first and last
    day a record was seen. Incremental: merges only the partitions fct_model_daily loaded since
    this table's watermark (source_loaded_at), re-reading just their raw files. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['hub', 'model_id'],
        on_schema_change='fail'
    )
}}

{%- set batch = lw_partitions_loaded_since(
        ref('fct_model_daily'), this if is_incremental() else none, 'source_loaded_at') %}

with

observed as (

    {% for hub in var('lw_hubs') -%}
    select * from {{ ref('stg_' ~ hub ~ '__models') }}
    where {{ lw_dt_filter(batch, hub) }} and model_id is not null and not is_tombstone
    {% if not loop.last %}union all by name{% endif %}
    {% endfor %}

),

batch_records as (

    select
        hub,
        model_id,
        min(dt) over (partition by hub, model_id) as first_seen,
        dt as last_seen,
        fetched_at,
        name,
        type,
        creator,
        description,
        base_model,
        hub_mode,
        status,
        tags,
        trained_words,
        nsfw,
        nsfw_level,
        poi,
        minor,
        downloads,
        likes,
        favorites,
        comments,
        rating,
        version_count,
        created_at,
        published_at,
        updated_at,
        versions
    from observed
    qualify row_number() over (partition by hub, model_id order by dt desc, fetched_at desc) = 1

),

candidates as (

    select * from batch_records
    {% if is_incremental() %}
    union all by name
    select existing.* exclude (attributes_hash, source_loaded_at)
    from {{ this }} as existing
    semi join batch_records using (hub, model_id)
    {% endif %}

),

ranked as (

    select
        *,
        min(first_seen) over (partition by hub, model_id) as earliest,
        row_number() over (partition by hub, model_id order by last_seen desc, fetched_at desc) as recency
    from candidates

),

merged as (

    select * exclude (earliest, recency) replace (earliest as first_seen)
    from ranked
    where recency = 1

),

final as (

    select
        *,
        md5(to_json({
            'name': name, 'type': type, 'tags': tags, 'description': description,
            'trained_words': trained_words, 'poi': poi, 'nsfw': nsfw, 'nsfw_level': nsfw_level,
            'base_model': base_model, 'creator': creator
        })) as attributes_hash,
        (select max(loaded_at) from {{ ref('fct_model_daily') }}) as source_loaded_at
    from merged

)

select * from final
