{#- A1, A2: the text of a JSON string value with surrounding whitespace (space, tab, CR, LF)
    trimmed; NULL for any other JSON type. Never raises. -#}
{% macro json_text_trimmed(json_expression) -%}
    {{ return(adapter.dispatch('json_text_trimmed', 'glofox_analytics')(json_expression)) }}
{%- endmacro %}

{% macro default__json_text_trimmed(json_expression) -%}
    case
        when {{ json_type(json_expression) }} = 'string'
            then trim(both ' ' || chr(9) || chr(13) || chr(10) from {{ json_text(json_expression) }})
    end
{%- endmacro %}

{% macro postgres__json_text_trimmed(json_expression) -%}
    case
        when jsonb_typeof({{ json_expression }}) = 'string'
            then btrim({{ json_expression }} #>> '{}', e' \t\r\n')
    end
{%- endmacro %}

{#- Spark: string literals read backslash escapes, so ' \t\r\n' is space, tab, CR, LF. -#}
{% macro spark__json_text_trimmed(json_expression) -%}
    case
        when {{ json_type(json_expression) }} = 'string'
            then btrim({{ json_text(json_expression) }}, ' \t\r\n')
    end
{%- endmacro %}
