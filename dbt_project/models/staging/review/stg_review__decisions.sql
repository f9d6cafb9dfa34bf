{#- One row per review decision: the state store's review_decisions, as the warehouse reads them. -#}

with

source as (

    select * from {{ source('review', 'decisions') }}

),

renamed as (

    select
        ---------- ids
        decision_id,
        hub,
        model_id,

        ---------- strings
        decision,
        note,
        decided_by,

        ---------- timestamps
        decided_at,
        recorded_at

    from source

)

select * from renamed
