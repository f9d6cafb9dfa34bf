{#- One row per distinct base model name seen (model or version level), with its family from the
    base_model_families seed: the lowest-priority matching pattern wins, else "Other". -#}

with

base_models as (

    select distinct base_model
    from (
        select base_model from {{ ref('int_models__latest') }}
        union all
        select unnest([v.base_model for v in versions]) as base_model from {{ ref('int_models__latest') }}
    )
    where base_model is not null

),

matches as (

    select
        base_models.base_model,
        families.family,
        families.family_group,
        families.priority,
        families.pattern
    from base_models
    inner join {{ ref('base_model_families') }} as families
        on regexp_matches(lower(base_models.base_model), families.pattern)

),

final as (

    select
        base_models.base_model,
        coalesce(arg_min(matches.family, (matches.priority, matches.pattern)), 'Other') as base_model_family,
        coalesce(arg_min(matches.family_group, (matches.priority, matches.pattern)), 'Other')
            as base_model_family_group
    from base_models
    left join matches using (base_model)
    group by base_models.base_model

)

select * from final
