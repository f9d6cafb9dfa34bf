{#- One row per (hub, model_id) reported to its hub: when the first report was filed (the
    response clock starts there) and when a reviewer first saw it gone after that. -#}

with

decisions as (

    select * from {{ ref('stg_review__decisions') }}

),

reports as (

    select
        hub,
        model_id,
        min(decided_at) as reported_at,
        arg_min(decided_by, (decided_at, recorded_at, decision_id)) as reported_by,
        count(*) as reports
    from decisions
    where decision = 'reported'
    group by hub, model_id

),

removals_seen as (

    select
        reports.hub,
        reports.model_id,
        min(decisions.decided_at) as removal_seen_at
    from reports
    inner join decisions
        on decisions.hub = reports.hub
        and decisions.model_id = reports.model_id
        and decisions.decision = 'removed_by_hub'
        and decisions.decided_at >= reports.reported_at
    group by reports.hub, reports.model_id

),

final as (

    select
        reports.hub,
        reports.model_id,
        reports.reported_at,
        reports.reported_by,
        reports.reports,
        removals_seen.removal_seen_at
    from reports
    left join removals_seen using (hub, model_id)

)

select * from final
