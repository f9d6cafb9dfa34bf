{#- The daily history fact under its stable analyst-facing name. A view, not a table: the fact
    is the one model whose size grows with history, and a table copy would rewrite all of it on
    every build (O(history) instead of O(new data)) and double the warehouse file. -#}
{{ config(materialized='view') }}

select
    hub,
    model_id,
    dt,
    run_id,
    is_sweep_day,
    via,
    fetched_at,
    http_status,
    is_tombstone,
    status,
    hub_mode,
    name,
    type,
    creator,
    base_model,
    nsfw,
    nsfw_level,
    poi,
    downloads,
    likes,
    favorites,
    comments,
    rating,
    version_count,
    files_hash,
    published_at,
    updated_at,
    loaded_at,
    load_id
from {{ ref('int_model_daily') }}
