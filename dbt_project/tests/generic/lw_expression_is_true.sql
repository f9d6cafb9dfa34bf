{#- Every row satisfies a SQL expression (no dbt packages offline, so no dbt_utils). -#}
{% test lw_expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce(({{ expression }}), false)

{% endtest %}
