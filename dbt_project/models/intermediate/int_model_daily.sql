{#- The history spine: one row per model per crawl day, appended per raw partition. A build reads
    only partitions whose current run is not loaded yet (new days and re-crawled days); the
    pre-hook first drops rows of runs that are no longer committed (superseded or quarantined). -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ lw_delete_unpublished_partitions(ref('stg_lake__partitions')) }}"
    )
}}

{%- set pending = lw_unloaded_partitions(ref('stg_lake__partitions'), this if is_incremental() else none) %}

with

observations as (

    select *
    from {{ ref('int_models__observed') }}
    where {{ lw_partition_filter(pending) }} and model_id is not null

),

partitions as (

    select hub, dt, run_id, mode
    from {{ ref('stg_lake__partitions') }}
    where status = 'committed'

),

final as (

    select
        observations.hub,
        observations.model_id,
        observations.dt,
        partitions.run_id,
        partitions.mode = 'sweep' as is_sweep_day,
        observations.via,
        observations.fetched_at,
        observations.http_status,
        observations.is_tombstone,
        observations.status,
        observations.hub_mode,
        observations.name,
        observations.type,
        observations.creator,
        observations.base_model,
        observations.nsfw,
        observations.nsfw_level,
        observations.poi,
        observations.downloads,
        observations.likes,
        observations.favorites,
        observations.comments,
        observations.rating,
        observations.version_count,
        observations.files_hash,
        observations.published_at,
        observations.updated_at,
        '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'::timestamp as loaded_at,
        '{{ invocation_id }}' as load_id
    from observations
    inner join partitions
        on partitions.hub = observations.hub and partitions.dt = observations.dt

)

select * from final
