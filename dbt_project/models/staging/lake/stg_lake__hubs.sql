{#- One row per registered hub: the lake source's hub registry. -#}

with

source as (

    select * from {{ source('lake', 'hubs') }}

),

renamed as (

    select
        hub,
        model_url_template
    from source

)

select * from renamed
