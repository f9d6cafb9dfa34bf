{% macro lw_name_key(expression) %}
    {#- Grouping key of a person's name: accents stripped, lower case, punctuation and "_" as
        spaces, tokens sorted ("Min Lee" = "lee_min"). -#}
    array_to_string(
        list_sort(list_filter(
            string_split(regexp_replace(lower(strip_accents({{ expression }})), '[^a-z0-9]+', ' ', 'g'), ' '),
            lambda token: token <> ''
        )),
        ' '
    )
{%- endmacro %}
