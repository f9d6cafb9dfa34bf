{#- Reading the raw lake: only files named by committed manifests, and only the partitions a model
    has not processed yet. See docs/warehouse.md, "How incremental builds work". -#}

{% macro lw_committed_files(partitions, hub) %}
    {#- File locations of one hub's committed partitions (empty while dbt parses). -#}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set sql -%}
        select url
        from (select dt, unnest(file_urls) as url from {{ partitions }}
              where hub = '{{ hub }}' and status = 'committed')
        order by dt, url
    {%- endset -%}
    {{ return(run_query(sql).columns[0].values() | list) }}
{% endmacro %}


{% macro lw_read_envelopes(partitions, hub) %}
    {#- A FROM-clause item with one row per envelope of the hub's committed partitions, plus the
        partition columns ``hub`` and ``dt`` taken from the path. Filters on ``dt`` prune files,
        so a model that selects new partitions reads only their files. -#}
    {%- set files = lw_committed_files(partitions, hub) -%}
    {%- if files -%}
    read_json(
        [{%- for url in files %}'{{ url | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}],
        format = 'newline_delimited',
        compression = 'gzip',
        hive_partitioning = true,
        hive_types = {'hub': 'VARCHAR', 'dt': 'DATE'},
        columns = {
            'model_id': 'VARCHAR',
            'via': 'VARCHAR',
            'fetched_at': 'VARCHAR',
            'http_status': 'INTEGER',
            'record': 'JSON',
            'error': 'VARCHAR',
            'card': 'JSON'
        }
    )
    {%- else -%}
    (
        select
            null::varchar as model_id, null::varchar as via, null::varchar as fetched_at,
            null::integer as http_status, null::json as record, null::varchar as error,
            null::json as card, '{{ hub }}'::varchar as hub, null::date as dt
        where false
    )
    {%- endif -%}
{% endmacro %}


{% macro lw_unloaded_partitions(partitions, target) %}
    {#- Committed partitions whose current run is not in ``target`` yet, as {hub: [dt, ...]}.
        A re-crawled day has a new run_id, so it counts as unloaded. Returns none when ``target``
        is none (first or full-refresh build: read everything). -#}
    {%- if target is none or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set sql -%}
        select p.hub, strftime(p.dt, '%Y-%m-%d') as dt
        from {{ partitions }} as p
        left join (select distinct hub, dt, run_id from {{ target }}) as t
            on t.hub = p.hub and t.dt = p.dt and t.run_id = p.run_id
        where p.status = 'committed' and t.run_id is null
        order by 1, 2
    {%- endset -%}
    {{ return(lw_group_dts(run_query(sql))) }}
{% endmacro %}


{% macro lw_watermark(relation, column) %}
    {#- The newest value of a timestamp column as a literal (none when empty): filters on a
        literal let DuckDB skip row groups by their min/max, a subquery would not. -#}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set sql -%}
        select strftime(max({{ column }}), '%Y-%m-%d %H:%M:%S.%f') from {{ relation }}
    {%- endset -%}
    {{ return(run_query(sql).columns[0].values()[0]) }}
{% endmacro %}


{% macro lw_partitions_loaded_since(fact, target, watermark_column) %}
    {#- Partitions (re)loaded into ``fact`` after the newest ``loaded_at`` that ``target`` has
        consumed, as {hub: [dt, ...]}; none when ``target`` is none (full build). -#}
    {%- if target is none or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set watermark = lw_watermark(target, watermark_column) or '1970-01-01 00:00:00' -%}
    {%- set sql -%}
        select distinct hub, strftime(dt, '%Y-%m-%d') as dt
        from {{ fact }}
        where loaded_at > timestamp '{{ watermark }}'
        order by 1, 2
    {%- endset -%}
    {{ return(lw_group_dts(run_query(sql))) }}
{% endmacro %}


{% macro lw_partitions_of(sql, day_column) %}
    {#- The distinct (hub, day_column) pairs of a query, as {hub: [dt, ...]}. -#}
    {%- set query -%}
        select distinct hub, strftime({{ day_column }}, '%Y-%m-%d') as dt from ({{ sql }}) order by 1, 2
    {%- endset -%}
    {{ return(lw_group_dts(run_query(query))) }}
{% endmacro %}


{% macro lw_group_dts(table) %}
    {%- set grouped = {} -%}
    {%- for row in table.rows -%}
        {%- do grouped.setdefault(row[0], []).append(row[1]) -%}
    {%- endfor -%}
    {{ return(grouped) }}
{% endmacro %}


{% macro lw_partition_filter(pending, relation=none) %}
    {#- SQL predicate selecting the pending (hub, dt) partitions, as literals so that DuckDB
        prunes the other files: none = everything, {} = nothing. ``relation`` qualifies the
        columns when the query joins several relations. -#}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {%- if pending is none -%}
        true
    {%- elif not pending -%}
        false
    {%- else -%}
        ({% for hub, days in pending.items() -%}
            ({{ prefix }}hub = '{{ hub }}' and {{ prefix }}dt in (
                {%- for day in days %}date '{{ day }}'{{ ", " if not loop.last }}{% endfor %}))
            {{- " or " if not loop.last }}
        {%- endfor %})
    {%- endif -%}
{% endmacro %}


{% macro lw_delete_unpublished_partitions(partitions) %}
    {#- Pre-hook of partition-grained incremental models: drop rows whose partition run is no longer
        the committed one (re-crawled, quarantined or withdrawn) before the new rows go in. -#}
    {%- if is_incremental() -%}
    delete from {{ this }} as t
    where not exists (
        select 1 from {{ partitions }} as p
        where p.status = 'committed' and p.hub = t.hub and p.dt = t.dt and p.run_id = t.run_id
    )
    {%- endif -%}
{% endmacro %}
