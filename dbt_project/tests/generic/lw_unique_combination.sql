{#- The combination of ``columns`` identifies a row (no dbt packages offline, so no dbt_utils). -#}
{% test lw_unique_combination(model, columns) %}

select {{ columns | join(', ') }}, count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
