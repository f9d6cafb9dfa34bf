{#- Every file (by hash) ever seen on a model version, with the first and last day it was seen.
    Incremental like int_models__latest: only newly loaded partitions are read. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['hub', 'model_id', 'version_id', 'file_key'],
        on_schema_change='fail'
    )
}}

{%- set batch = lw_partitions_loaded_since(
        ref('fct_model_daily'), this if is_incremental() else none, 'source_loaded_at') %}

with

observed as (

    {% for hub in var('lw_hubs') -%}
    select hub, model_id, dt, fetched_at, versions from {{ ref('stg_' ~ hub ~ '__models') }}
    where {{ lw_dt_filter(batch, hub) }} and model_id is not null and not is_tombstone
    {% if not loop.last %}union all by name{% endif %}
    {% endfor %}

),

versions as (

    select hub, model_id, dt, fetched_at, unnest(versions) as version
    from observed

),

files as (

    select
        hub,
        model_id,
        dt,
        fetched_at,
        version.version_id as version_id,
        version.name as version_name,
        version.base_model as base_model,
        version.published_at as version_published_at,
        unnest(version.files) as file
    from versions

),

batch_files as (

    select
        hub,
        model_id,
        coalesce(version_id, '') as version_id,
        coalesce(
            file.sha256, 'autov2:' || file.autov2, 'file:' || file.file_id, 'name:' || file.name
        ) as file_key,
        file.sha256 as sha256,
        file.autov2 as autov2,
        file.file_id as file_id,
        file.name as file_name,
        file.type as file_type,
        file.size_kb as size_kb,
        version_name,
        base_model,
        version_published_at,
        dt as first_seen,
        dt as last_seen,
        fetched_at
    from files

),

candidates as (

    select * from batch_files
    {% if is_incremental() %}
    union all by name
    select existing.* exclude (source_loaded_at)
    from {{ this }} as existing
    semi join batch_files using (hub, model_id, version_id, file_key)
    {% endif %}

),

ranked as (

    select
        *,
        min(first_seen) over keys as earliest,
        max(last_seen) over keys as latest,
        row_number() over (keys order by last_seen desc, fetched_at desc) as recency
    from candidates
    window keys as (partition by hub, model_id, version_id, file_key)

),

merged as (

    select * exclude (earliest, latest, recency) replace (earliest as first_seen, latest as last_seen)
    from ranked
    where recency = 1

)

select
    *,
    (select max(loaded_at) from {{ ref('fct_model_daily') }}) as source_loaded_at
from merged
