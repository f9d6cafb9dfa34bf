{#- Custom schemas are used as given (``staging``, ``intermediate``), not prefixed with the target
    schema, so analysts find the marts in ``main`` and the layers under their own names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name is not none else target.schema }}
{%- endmacro %}
