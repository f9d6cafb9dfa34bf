{#- One row per (hub, model_id): latest attributes, lifecycle and the likeness decision (a
    reviewer's verdict overrides the automatic one). -#}

{%- set down = "('" ~ var('lw_down_statuses') | join("', '") ~ "')" %}

with

latest as (

    select * from {{ ref('int_models__latest') }}

),

decisions as (

    select * from {{ ref('int_models__decided') }}

),

verdicts as (

    select * from {{ ref('int_review__verdicts') }}

),

changes as (

    select * from {{ ref('int_model_status_changes') }}

),

lifecycle as (

    select
        hub,
        model_id,
        min(changed_on) as first_seen,
        arg_max(status, changed_on) as status,
        max(changed_on) as status_since,
        min(changed_on) filter (where status in {{ down }}) as taken_down_on,
        count(*) filter (
            where status in {{ down }} and previous_status is not null and previous_status not in {{ down }}
        ) as takedowns
    from changes
    group by hub, model_id

),

reappearances as (

    select
        changes.hub,
        changes.model_id,
        min(changes.changed_on) as reappeared_on
    from changes
    inner join lifecycle using (hub, model_id)
    where changes.status = 'active' and changes.changed_on > lifecycle.taken_down_on
    group by changes.hub, changes.model_id

),

families as (

    select * from {{ ref('int_base_model_families') }}

),

hubs as (

    select * from {{ ref('stg_lake__hubs') }}

),

final as (

    select
        ---------- ids
        lifecycle.hub,
        lifecycle.model_id,
        replace(hubs.model_url_template, '{model_id}', lifecycle.model_id) as url,

        ---------- strings
        latest.name,
        latest.type,
        latest.creator,
        latest.base_model,
        coalesce(families.base_model_family, 'Other') as base_model_family,
        coalesce(families.base_model_family_group, 'Other') as base_model_family_group,
        lifecycle.status,
        latest.hub_mode,

        ---------- lists
        latest.tags,
        latest.trained_words,

        ---------- numerics
        latest.downloads,
        latest.likes,
        latest.version_count,
        latest.nsfw_level,
        lifecycle.takedowns,

        ---------- booleans
        latest.nsfw,
        latest.poi,

        ---------- likeness decision (a reviewer's verdict, else the automatic decision)
        coalesce(verdicts.review_decision = 'likeness', decisions.is_likeness) as is_likeness,
        case verdicts.review_decision
            when 'likeness' then 1.0
            when 'not_likeness' then 0.0
            else decisions.likeness_confidence
        end as likeness_confidence,
        case
            when verdicts.review_decision is null then decisions.likeness_reasons
            else list_append(coalesce(decisions.likeness_reasons, []), 'review:' || verdicts.review_decision)
        end as likeness_reasons,
        decisions.target_name,
        decisions.target_gender,
        decisions.target_gender_confidence,
        decisions.target_country,
        decisions.target_country_confidence,
        decisions.target_prominence,
        decisions.nsfw_intent,
        decisions.nsfw_reasons,
        decisions.classifier_version,
        decisions.classifier_is_likeness,
        decisions.registry_person_key,
        verdicts.review_decision,
        verdicts.reviewed_at,

        ---------- dates
        latest.published_at,
        lifecycle.first_seen,
        latest.last_seen,
        lifecycle.status_since,
        lifecycle.taken_down_on,
        reappearances.reappeared_on

    from lifecycle
    left join latest using (hub, model_id)
    left join decisions using (hub, model_id)
    left join verdicts using (hub, model_id)
    left join reappearances using (hub, model_id)
    left join families on families.base_model = latest.base_model
    left join hubs on hubs.hub = lifecycle.hub

)

select * from final
