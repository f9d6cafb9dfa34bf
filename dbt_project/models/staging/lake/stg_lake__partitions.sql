{#- One row per visible raw partition: the lake source's manifests, typed and named as the
    warehouse reads them. -#}

with

source as (

    select * from {{ source('lake', 'partitions') }}

),

renamed as (

    select
        hub,
        dt,
        status,
        run_id,
        mode,
        record_count,
        started_at,
        finished_at,
        crawler_version,
        file_urls
    from source

)

select * from renamed
