{% macro lw_drop_python_temp_tables() %}
    {#- Post-hook of incremental Python models. dbt-duckdb (1.11) writes an incremental run's new
        rows to "<model>__dbt_tmp<timestamp>" with a plain CREATE TABLE (py_write_table ignores
        `temporary`: the Python job runs on another cursor, which could not see a TEMP table), so
        the table lands in the connection's default schema (main), and the materialization drops
        the temp relation only when it is not temporary: every incremental build left one table
        behind. Drop this model's: the current run's (already merged, the hook runs after the
        delete+insert) and any an earlier or failed run left. -#}
    {%- if execute -%}
        {%- set prefix = this.identifier ~ '__dbt_tmp' -%}
        {%- set leftovers -%}
            select table_schema, table_name
            from information_schema.tables
            where table_catalog = current_database()
                and table_schema = current_schema()
                and table_type = 'BASE TABLE'
                and starts_with(table_name, '{{ prefix }}')
                and regexp_full_match(substr(table_name, {{ prefix | length + 1 }}), '[0-9]+')
            order by table_name
        {%- endset -%}
        {%- for row in run_query(leftovers).rows -%}
            {%- do run_query('drop table if exists ' ~ adapter.quote(row[0]) ~ '.' ~ adapter.quote(row[1])) -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
