{#- One row per version of a likeness model (latest known state): the study's unit for counting
    variants, downloads (the version's own counter, never the model total) and base models. -#}

with

likeness as (

    select hub, model_id, type, status, target_name, nsfw_intent
    from {{ ref('dim_model') }}
    where is_likeness

),

versions as (

    select
        latest.hub,
        latest.model_id,
        unnest(latest.versions) as version
    from {{ ref('int_models__latest') }} as latest
    semi join likeness using (hub, model_id)

),

final as (

    select
        versions.hub,
        versions.model_id,
        versions.version.version_id as version_id,
        versions.version.name as version_name,
        versions.version.published_at as published_at,
        versions.version.base_model as base_model,
        coalesce(families.base_model_family, 'Other') as base_model_family,
        coalesce(families.base_model_family_group, 'Other') as base_model_family_group,
        likeness.type,
        versions.version.downloads as downloads,
        versions.version.nsfw_level as nsfw_level,
        len(versions.version.files) as file_count,
        likeness.status,
        likeness.target_name,
        likeness.nsfw_intent
    from versions
    inner join likeness using (hub, model_id)
    left join {{ ref('int_base_model_families') }} as families
        on families.base_model = versions.version.base_model

)

select * from final
