{% macro lw_utc_timestamp(expression) %}
    {#- A hub's ISO-8601 text as a naive UTC TIMESTAMP (NULL when it does not parse). With a zone
        (Z, +02:00, +0200, +02) the offset is applied; without one the time already is UTC. Never
        a plain cast for both: casting to TIMESTAMP drops an offset, and casting a zone-less text
        to TIMESTAMPTZ reads it in the session's (the machine's) time zone. -#}
    case
        when regexp_matches({{ expression }}, 'T[0-9:.]+(Z|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then timezone('UTC', try_cast({{ expression }} as timestamptz))
        else try_cast({{ expression }} as timestamp)
    end
{%- endmacro %}
