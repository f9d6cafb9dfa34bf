{#- Every hub's staging rows in one relation (adding a hub: its stg_<hub>__models and one line
    here). Consumers filter on (hub, dt), which DuckDB pushes down to skip other days' files. -#}
{{ config(materialized='view') }}

select * from {{ ref('stg_civitai__models') }}
union all by name
select * from {{ ref('stg_huggingface__models') }}
