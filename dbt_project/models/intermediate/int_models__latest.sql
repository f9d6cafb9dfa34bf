{#- Latest known record of every model (tombstones never overwrite it), with the first and last
    day a record was seen. Incremental: merges only the partitions int_model_daily loaded since
    this table's watermark (source_loaded_at). The narrow fact says which day holds each model's
    newest record, so only those days' raw files are parsed again, and only their newest rows
    are kept (a full build reads the last sweep and the days after it, not the whole history). -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['hub', 'model_id'],
        on_schema_change='fail'
    )
}}

{%- set batch = lw_partitions_loaded_since(
        ref('int_model_daily'), this if is_incremental() else none, 'source_loaded_at') %}

{%- set seen_in_batch -%}
    select hub, model_id, min(dt) as first_seen, max(dt) as last_seen
    from {{ ref('int_model_daily') }}
    where {{ lw_partition_filter(batch) }} and not is_tombstone
    group by hub, model_id
{%- endset %}

{%- set newest_days = lw_partitions_of(seen_in_batch, 'last_seen') if execute else {} %}

with

seen as (

    {{ seen_in_batch }}

),

newest as (

    select observed.*
    from {{ ref('int_models__observed') }} as observed
    inner join seen
        on seen.hub = observed.hub and seen.model_id = observed.model_id and seen.last_seen = observed.dt
    where {{ lw_partition_filter(newest_days, 'observed') }} and not observed.is_tombstone

),

batch_records as (

    select
        newest.hub,
        newest.model_id,
        seen.first_seen,
        seen.last_seen,
        newest.fetched_at,
        newest.name,
        newest.type,
        newest.creator,
        newest.description,
        newest.base_model,
        newest.hub_mode,
        newest.status,
        newest.tags,
        newest.trained_words,
        newest.nsfw,
        newest.nsfw_level,
        newest.poi,
        newest.minor,
        newest.downloads,
        newest.likes,
        newest.favorites,
        newest.comments,
        newest.rating,
        newest.version_count,
        newest.created_at,
        newest.published_at,
        newest.updated_at,
        newest.versions,
        newest.files_hash
    from newest
    inner join seen using (hub, model_id)

),

{#- Merge by key without sorting wide rows: a batch record wins unless the existing one is newer
    (a re-crawl of an older day); first_seen is the earlier of the two either way. -#}
merged as (

    select batch_records.*
    {%- if is_incremental() %}
        {#- a Hugging Face card is fetched only when the repo is new or changed: keep the last one -#}
        replace (
            least(batch_records.first_seen, existing.first_seen) as first_seen,
            coalesce(batch_records.description, existing.description) as description
        )
    from batch_records
    left join (select hub, model_id, first_seen, last_seen, fetched_at, description from {{ this }}) as existing
        using (hub, model_id)
    where existing.last_seen is null
        or (batch_records.last_seen, coalesce(batch_records.fetched_at, timestamp '1970-01-01'))
            >= (existing.last_seen, coalesce(existing.fetched_at, timestamp '1970-01-01'))

    union all by name

    select existing.* exclude (attributes_hash, source_loaded_at)
        replace (least(existing.first_seen, newer.first_seen) as first_seen)
    from {{ this }} as existing
    inner join (select hub, model_id, first_seen, last_seen, fetched_at from batch_records) as newer
        using (hub, model_id)
    where (newer.last_seen, coalesce(newer.fetched_at, timestamp '1970-01-01'))
        < (existing.last_seen, coalesce(existing.fetched_at, timestamp '1970-01-01'))
    {%- else %}
    from batch_records
    {%- endif %}

),

final as (

    select
        *,
        md5(to_json({
            'name': name, 'type': type, 'tags': tags, 'description': description,
            'trained_words': trained_words, 'poi': poi, 'nsfw': nsfw, 'nsfw_level': nsfw_level,
            'base_model': base_model, 'creator': creator
        })) as attributes_hash,
        (select max(loaded_at) from {{ ref('int_model_daily') }}) as source_loaded_at
    from merged

)

select * from final
