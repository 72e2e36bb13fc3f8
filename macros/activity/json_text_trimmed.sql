{#- A1, A2: the text of a JSON string value with surrounding whitespace (space, tab, CR, LF)
    trimmed; NULL for any other JSON type. Never raises. -#}
{% macro json_text_trimmed(json_expression) -%}
    case
        when jsonb_typeof({{ json_expression }}) = 'string'
            then btrim({{ json_expression }} #>> '{}', e' \t\r\n')
    end
{%- endmacro %}
