{#- Hugging Face envelopes (/api/models/{id}?blobs=true bodies, or list items when the detail call
    failed) in the common model schema. A repo is one "version"; its weight files carry the LFS
    sha256 that matches Civitai's SHA256. -#}

with

source as (

    select * from {{ lw_read_envelopes(ref('stg_lake__partitions'), 'huggingface') }}

),

parsed as (

    select
        source.*,
        json_transform(source.record, '{
            "author": "VARCHAR", "createdAt": "VARCHAR", "lastModified": "VARCHAR",
            "private": "BOOLEAN", "disabled": "BOOLEAN", "gated": "VARCHAR",
            "downloads": "BIGINT", "downloadsAllTime": "BIGINT", "likes": "BIGINT",
            "tags": ["VARCHAR"], "pipeline_tag": "VARCHAR", "library_name": "VARCHAR",
            "cardData": {"tags": ["VARCHAR"]},
            "siblings": [{"rfilename": "VARCHAR", "lfs": {"sha256": "VARCHAR", "size": "BIGINT"}}]
        }') as r
    from source

),

unpacked as (

    select
        parsed.*,
        list_filter(
            list_concat(coalesce(r.tags, []), coalesce(r.cardData.tags, [])),
            lambda t: t is not null
        ) as all_tags,
        {#- cardData fields are free-form YAML: a string or a list, depending on the card. -#}
        coalesce(
            json_extract_string(record, '$.cardData.base_model[0]'),
            json_extract_string(record, '$.cardData.base_model'),
            list_filter(all_tags, lambda t: starts_with(t, 'base_model:adapter:'))[1][20:],
            list_filter(all_tags, lambda t: starts_with(t, 'base_model:') and t not like 'base_model:%:%')[1][12:]
        ) as card_base_model,
        coalesce(
            try_cast(json_extract(record, '$.cardData.instance_prompt') as varchar[]),
            [json_extract_string(record, '$.cardData.instance_prompt')]
        ) as instance_prompts
    from parsed

),

renamed as (

    select
        ---------- ids
        hub,
        dt,
        model_id,

        ---------- envelope
        via,
        {{ lw_utc_timestamp('fetched_at') }} as fetched_at,
        http_status,
        record is null as is_tombstone,

        ---------- strings
        case when record is not null then split_part(model_id, '/', 2) end as name,
        case
            when record is null then null
            when list_contains(all_tags, 'lora')
                or len(list_filter(all_tags, lambda t: starts_with(t, 'base_model:adapter:'))) > 0 then 'LORA'
            when list_contains(all_tags, 'textual_inversion') then 'TextualInversion'
            when r.pipeline_tag in ('text-to-image', 'image-to-image') or r.library_name = 'diffusers'
                then 'Checkpoint'
            else 'Other'
        end as type,
        case when record is not null then coalesce(r.author, split_part(model_id, '/', 1)) end as creator,
        {#- the model card's markdown without its YAML front matter (cardData has that), capped -#}
        left(
            regexp_replace(json_extract_string(card, '$.text'), '^\s*---.*?\n---[^\n]*\n?', '', 's'), 20000
        ) as description,
        card_base_model as base_model,
        case
            when r.disabled then 'disabled'
            when r.private then 'private'
            when r.gated is not null and r.gated <> 'false' then 'gated'
        end as hub_mode,
        case
            when record is null and http_status in (404, 410) then 'removed'
            when record is null and http_status in (401, 403, 451) then 'restricted'
            when record is null then 'unknown'
            when r.disabled then 'taken_down'
            when r.private then 'restricted'
            else 'active'
        end as status,

        ---------- lists
        list_distinct(all_tags) as tags,
        list_distinct(list_filter(instance_prompts, lambda w: w is not null and trim(w) <> '')) as trained_words,

        ---------- numerics
        null::integer as nsfw_level,
        coalesce(r.downloadsAllTime, r.downloads) as downloads,
        r.likes as likes,
        null::bigint as favorites,
        null::bigint as comments,
        null::double as rating,
        case when record is not null then 1 end as version_count,

        ---------- booleans
        case when record is not null then list_contains(all_tags, 'not-for-all-audiences') end as nsfw,
        null::boolean as poi,
        null::boolean as minor,

        ---------- timestamps
        {{ lw_utc_timestamp('r.createdAt') }} as created_at,
        {{ lw_utc_timestamp('r.createdAt') }} as published_at,
        {{ lw_utc_timestamp('r.lastModified') }} as updated_at,

        ---------- identity of the files, cheap to compute: tells when files changed
        case when record is not null then hash(
            [coalesce(s.lfs.sha256, '') for s in coalesce(r.siblings, []) if s.lfs.sha256 is not null]
        ) end as files_hash,

        ---------- versions and their files: the repo is one version; weight files only
        case when record is not null then [
            {
                'version_id': model_id,
                'name': 'main',
                'base_model': card_base_model,
                'published_at': {{ lw_utc_timestamp('r.createdAt') }},
                'downloads': coalesce(r.downloadsAllTime, r.downloads),
                'nsfw_level': null::integer,
                'files': [
                    {
                        'file_id': s.rfilename,
                        'name': s.rfilename,
                        'type': 'Model',
                        'size_kb': s.lfs.size / 1024.0::double,
                        'is_primary': null::boolean,
                        'sha256': {{ lw_hex_or_null('s.lfs.sha256', 64) }},
                        'autov2': left({{ lw_hex_or_null('s.lfs.sha256', 64) }}, 10)
                    }
                    for s in coalesce(r.siblings, [])
                    if s.lfs.sha256 is not null
                        and regexp_matches(lower(s.rfilename), '\.(safetensors|ckpt|pt|pth|bin|gguf)$')
                ]
            }
        ] end as versions

    from unpacked

)

select * from renamed
