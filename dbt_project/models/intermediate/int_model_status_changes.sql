{#- One row per model per day its observed status changed (the first observation included):
    first seen, taken down, removed, reappeared. Incremental: the status sequence of every model
    observed in newly loaded partitions is recomputed from its history in fct_model_daily
    (a narrow scan), so re-crawled or late partitions still give a correct sequence. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['hub', 'model_id'],
        on_schema_change='fail'
    )
}}

with

observations as (

    {# a status we could not read (an odd HTTP status without a record) says nothing #}
    select hub, model_id, dt, status, via, loaded_at
    from {{ ref('fct_model_daily') }}
    where status <> 'unknown'

),

{% if is_incremental() %}
touched as (

    select distinct hub, model_id
    from observations
    where loaded_at > (select coalesce(max(source_loaded_at), timestamp '1970-01-01') from {{ this }})

),

history as (

    select * from observations
    semi join touched using (hub, model_id)

),
{% else %}
history as (

    select * from observations

),
{% endif %}

sequenced as (

    select
        hub,
        model_id,
        dt,
        status,
        via,
        lag(status) over (partition by hub, model_id order by dt) as previous_status
    from history

),

final as (

    select
        hub,
        model_id,
        dt as changed_on,
        status,
        previous_status,
        via as observed_via,
        (select max(loaded_at) from {{ ref('fct_model_daily') }}) as source_loaded_at
    from sequenced
    where previous_status is distinct from status

)

select * from final
