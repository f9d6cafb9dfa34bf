{#- One row per model per day its observed status changed (the first observation included):
    first seen, taken down, removed, reappeared. Incremental, per model (delete+insert): a model
    observed in newly loaded partitions gets its known changes plus the new ones, continuing from
    its last known status; a model whose new observations are not later than its last known
    change (a re-crawled or late day) has its whole sequence recomputed from int_model_daily. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['hub', 'model_id'],
        on_schema_change='fail'
    )
}}

{%- set watermark = lw_watermark(this, 'source_loaded_at') if is_incremental() else none %}

with

{# a status we could not read (an odd HTTP status without a record) says nothing #}
observations as (

    select hub, model_id, dt, status, via
    from {{ ref('int_model_daily') }}
    where status <> 'unknown'
    {%- if watermark %}
        and loaded_at > timestamp '{{ watermark }}'
    {%- endif %}

),

{% if is_incremental() %}
known as (

    select existing.*
    from {{ this }} as existing
    semi join observations using (hub, model_id)

),

last_known as (

    select hub, model_id, max(changed_on) as last_change, arg_max(status, changed_on) as last_status
    from known
    group by hub, model_id

),

late_models as (

    select distinct observations.hub, observations.model_id
    from observations
    inner join last_known using (hub, model_id)
    where observations.dt <= last_known.last_change

),

{#- in order: the new observations continue from the last known status -#}
continued as (

    select
        observations.hub,
        observations.model_id,
        observations.dt,
        observations.status,
        observations.via,
        coalesce(
            lag(observations.status) over (partition by observations.hub, observations.model_id order by observations.dt),
            last_known.last_status
        ) as previous_status
    from observations
    left join last_known using (hub, model_id)
    anti join late_models using (hub, model_id)

),

{#- late: the whole history of those models, from the fact -#}
recomputed as (

    select
        hub,
        model_id,
        dt,
        status,
        via,
        lag(status) over (partition by hub, model_id order by dt) as previous_status
    from {{ ref('int_model_daily') }}
    semi join late_models using (hub, model_id)
    where status <> 'unknown'

),

changes as (

    select hub, model_id, changed_on, status, previous_status, observed_via
    from known
    anti join late_models using (hub, model_id)

    union all

    select hub, model_id, dt, status, previous_status, via
    from continued
    where previous_status is distinct from status

    union all

    select hub, model_id, dt, status, previous_status, via
    from recomputed
    where previous_status is distinct from status

),
{% else %}
changes as (

    select hub, model_id, dt as changed_on, status, previous_status, via as observed_via
    from (
        select *, lag(status) over (partition by hub, model_id order by dt) as previous_status
        from observations
    )
    where previous_status is distinct from status

),
{% endif %}

final as (

    select
        hub,
        model_id,
        changed_on,
        status,
        previous_status,
        observed_via,
        (select max(loaded_at) from {{ ref('int_model_daily') }}) as source_loaded_at
    from changes

)

select * from final
