{#- One row per hub with reported models: how fast the hub takes reported models down, and how
    often within the deadline (mart_hub_response_times). -#}

with

responses as (

    select * from {{ ref('mart_hub_response_times') }}

),

final as (

    select
        hub,
        any_value(deadline_hours) as deadline_hours,
        count(*) as reported_models,
        count(taken_down_at) as taken_down,
        count(*) filter (where response_status = 'taken_down_in_time') as taken_down_in_time,
        count(*) filter (where response_status = 'taken_down_late') as taken_down_late,
        count(*) filter (where response_status = 'overdue') as overdue,
        count(*) filter (where response_status = 'pending') as pending,
        median(hours_to_takedown) as median_hours_to_takedown,
        count(*) filter (where response_status = 'taken_down_in_time')
            / nullif(count(*) filter (where response_status <> 'pending'), 0) as share_in_time
    from responses
    group by hub

)

select * from final
