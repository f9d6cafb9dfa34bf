{#- Every file (by hash) ever seen on a model version, with the first crawl day it was seen there.
    Files rarely change: a file set (int_model_daily.files_hash) not recorded here yet is taken
    from the model's newest record, already parsed by int_models__latest, when that record still
    shows it; only sets a model no longer shows are parsed again from their raw records. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['hub', 'model_id', 'version_id', 'file_key'],
        on_schema_change='fail'
    )
}}

{%- set batch = lw_partitions_loaded_since(
        ref('int_model_daily'), this if is_incremental() else none, 'source_loaded_at') %}

{%- set new_file_sets -%}
    select sets.*
    from (
        select hub, model_id, files_hash, min(dt) as dt
        from {{ ref('int_model_daily') }}
        where {{ lw_partition_filter(batch) }} and not is_tombstone and files_hash is not null
        group by hub, model_id, files_hash
    ) as sets
    {%- if is_incremental() %}
    anti join (select distinct hub, model_id, files_hash from {{ this }}) as known
        using (hub, model_id, files_hash)
    {%- endif %}
{%- endset %}

{%- set superseded_file_sets -%}
    select new_sets.*
    from ({{ new_file_sets }}) as new_sets
    anti join {{ ref('int_models__latest') }} as latest using (hub, model_id, files_hash)
{%- endset %}

{%- set days = lw_partitions_of(superseded_file_sets, 'dt') if execute else {} %}

with

file_sets as (

    {{ new_file_sets }}

),

from_latest as (

    select file_sets.hub, file_sets.model_id, file_sets.dt, file_sets.files_hash, latest.versions
    from file_sets
    inner join {{ ref('int_models__latest') }} as latest using (hub, model_id, files_hash)

),

from_raw as (

    select observed.hub, observed.model_id, observed.dt, file_sets.files_hash, observed.versions
    from {{ ref('int_models__observed') }} as observed
    inner join file_sets
        on file_sets.hub = observed.hub and file_sets.model_id = observed.model_id and file_sets.dt = observed.dt
    anti join {{ ref('int_models__latest') }} as latest
        on latest.hub = file_sets.hub and latest.model_id = file_sets.model_id
        and latest.files_hash = file_sets.files_hash
    where {{ lw_partition_filter(days, 'observed') }}

),

observed as (

    select * from from_latest
    union all
    select * from from_raw

),

versions as (

    select hub, model_id, dt, files_hash, unnest(versions) as version
    from observed

),

files as (

    select
        hub,
        model_id,
        dt,
        files_hash,
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
        files_hash
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

{#- one row per key, attributes from its earliest sighting (a hash aggregate, no sort) -#}
merged as (

    select
        hub,
        model_id,
        version_id,
        file_key,
        arg_min(sha256, first_seen) as sha256,
        arg_min(autov2, first_seen) as autov2,
        arg_min(file_id, first_seen) as file_id,
        arg_min(file_name, first_seen) as file_name,
        arg_min(file_type, first_seen) as file_type,
        arg_min(size_kb, first_seen) as size_kb,
        arg_min(version_name, first_seen) as version_name,
        arg_min(base_model, first_seen) as base_model,
        arg_min(version_published_at, first_seen) as version_published_at,
        min(first_seen) as first_seen,
        arg_min(files_hash, first_seen) as files_hash
    from candidates
    group by hub, model_id, version_id, file_key

)

select
    *,
    (select max(loaded_at) from {{ ref('int_model_daily') }}) as source_loaded_at
from merged
