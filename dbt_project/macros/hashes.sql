{% macro lw_hex_or_null(expression, length) %}
    {#- Hub hashes normalised to lower-case hex (Civitai sends upper case); anything that is not
        exactly ``length`` hex digits is NULL, so a garbled hash can never create a false match. -#}
    case
        when regexp_full_match(lower(trim({{ expression }})), '[0-9a-f]{{ '{' ~ length ~ '}' }}')
            then lower(trim({{ expression }}))
    end
{%- endmacro %}
