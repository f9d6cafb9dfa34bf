{#- Civitai envelopes in the common model schema. The record is parsed once with a non-strict
    json_transform: a missing or mistyped field becomes NULL instead of failing the build (the raw
    gate reports such a field as schema drift). Timestamps are UTC (lw_utc_timestamp: with or
    without a zone); a version without publishedAt (2023 items have none) is dated by createdAt. -#}

with

source as (

    select * from {{ lw_read_envelopes(ref('stg_lake__partitions'), 'civitai') }}

),

parsed as (

    select
        source.*,
        json_transform(source.record, '{
            "name": "VARCHAR", "description": "VARCHAR", "type": "VARCHAR", "mode": "VARCHAR",
            "poi": "BOOLEAN", "nsfw": "BOOLEAN", "nsfwLevel": "INTEGER", "minor": "BOOLEAN",
            "creator": {"username": "VARCHAR"},
            "tags": ["VARCHAR"],
            "stats": {"downloadCount": "BIGINT", "favoriteCount": "BIGINT", "thumbsUpCount": "BIGINT",
                      "commentCount": "BIGINT", "rating": "DOUBLE"},
            "modelVersions": [{
                "id": "VARCHAR", "name": "VARCHAR", "baseModel": "VARCHAR", "nsfwLevel": "INTEGER",
                "publishedAt": "VARCHAR", "createdAt": "VARCHAR", "trainedWords": ["VARCHAR"],
                "stats": {"downloadCount": "BIGINT"},
                "files": [{"id": "VARCHAR", "name": "VARCHAR", "type": "VARCHAR", "sizeKB": "DOUBLE",
                           "primary": "BOOLEAN", "hashes": {"SHA256": "VARCHAR", "AutoV2": "VARCHAR"}}]
            }]
        }') as r
    from source

),

unpacked as (

    select
        parsed.*,
        [
            {
                'created_at': {{ lw_utc_timestamp('v.createdAt') }},
                'published_at': coalesce(
                    {{ lw_utc_timestamp('v.publishedAt') }}, {{ lw_utc_timestamp('v.createdAt') }}
                )
            }
            for v in coalesce(r.modelVersions, [])
        ] as version_times,
        coalesce(r.modelVersions, []) as model_versions
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
        r.name as name,
        r.type as type,
        r.creator.username as creator,
        r.description as description,
        model_versions[1].baseModel as base_model,
        r.mode as hub_mode,
        case
            when record is null and http_status in (404, 410) then 'removed'
            when record is null then 'unknown'
            when r.mode = 'TakenDown' then 'taken_down'
            when r.mode = 'Archived' then 'archived'
            else 'active'
        end as status,

        ---------- lists
        list_filter(coalesce(r.tags, []), lambda t: t is not null) as tags,
        list_distinct(list_filter(
            flatten([coalesce(v.trainedWords, []) for v in model_versions]),
            lambda w: w is not null and trim(w) <> ''
        )) as trained_words,

        ---------- numerics
        r.nsfwLevel as nsfw_level,
        r.stats.downloadCount as downloads,
        r.stats.thumbsUpCount as likes,
        r.stats.favoriteCount as favorites,
        r.stats.commentCount as comments,
        r.stats.rating as rating,
        case when record is not null then len(model_versions) end as version_count,

        ---------- booleans
        r.nsfw as nsfw,
        r.poi as poi,
        r.minor as minor,

        ---------- timestamps
        coalesce(
            list_min([t.created_at for t in version_times]),
            list_min([t.published_at for t in version_times])
        ) as created_at,
        list_min([t.published_at for t in version_times]) as published_at,
        list_max([t.published_at for t in version_times]) as updated_at,

        ---------- identity of the versions and files, cheap to compute: tells when files changed
        case when record is not null then hash(
            [{'v': v.id, 'f': [coalesce(f.hashes.SHA256, f.hashes.AutoV2, f.id, f.name) for f in coalesce(v.files, [])]}
             for v in model_versions]
        ) end as files_hash,

        ---------- versions and their files (hashes lower-case hex; malformed hashes become NULL)
        [
            {
                'version_id': v.id,
                'name': v.name,
                'base_model': v.baseModel,
                'published_at': version_times[i].published_at,
                'downloads': v.stats.downloadCount,
                'nsfw_level': v.nsfwLevel,
                'files': [
                    {
                        'file_id': f.id,
                        'name': f.name,
                        'type': f.type,
                        'size_kb': f.sizeKB,
                        'is_primary': f.primary,
                        'sha256': {{ lw_hex_or_null('f.hashes.SHA256', 64) }},
                        'autov2': coalesce(
                            {{ lw_hex_or_null('f.hashes.AutoV2', 10) }},
                            left({{ lw_hex_or_null('f.hashes.SHA256', 64) }}, 10)
                        )
                    }
                    for f in coalesce(v.files, [])
                ]
            }
            for v, i in model_versions
        ] as versions

    from unpacked

)

select * from renamed
