{#- One row per (hub, model_id) a reviewer called likeness or not_likeness: the verdict in force,
    i.e. the latest such decision (decided_at, then recorded_at, then decision_id break ties). -#}

with

decisions as (

    select * from {{ ref('stg_review__decisions') }}
    where decision in ('likeness', 'not_likeness')

),

final as (

    select
        hub,
        model_id,
        arg_max(decision, (decided_at, recorded_at, decision_id)) as review_decision,
        max(decided_at) as reviewed_at,
        arg_max(decided_by, (decided_at, recorded_at, decision_id)) as reviewed_by,
        count(*) as verdicts
    from decisions
    group by hub, model_id

)

select * from final
