{#- L4 / D4: the text of `key` in a JSON details document, or NULL.
    Text only when the document is an object and the value is a string, number or boolean
    (numbers exactly as written, booleans as true/false; with duplicate keys the last wins).
    NULL, {}, JSON null, arrays, strings and nested objects give NULL; never an error.
    The result is not trimmed: wrap it in clean_text (L1). -#}
{% macro json_scalar_text(json_column, key) -%}
    {{ return(adapter.dispatch('json_scalar_text', 'glofox_analytics')(json_column, key)) }}
{%- endmacro %}

{% macro default__json_scalar_text(json_column, key) -%}
    {{ exceptions.raise_compiler_error(
        "json_scalar_text() has no variant for the adapter '" ~ adapter.type() ~ "': add a "
        ~ adapter.type() ~ "__json_scalar_text macro (spec L4)."
    ) }}
{%- endmacro %}

{#- PostgreSQL's json type keeps the text as written, so `->>` returns numbers as written.
    A string escape that cannot become text (\u0000, or a UTF-16 surrogate without its pair)
    makes every `->` on that document fail, so such rare documents (found by a cheap pattern)
    are read from two copies in which those escapes are replaced by \u0001 and \u0002: where
    the value differs between the copies it held such an escape and is NULL (D4); any other
    value of the document is read as usual. -#}
{% macro postgres__json_scalar_text(json_column, key) -%}
    {%- set document = "cast(" ~ json_column ~ " as json)" -%}
    case
        when cast({{ json_column }} as text) !~ '\\u(0000|[dD][89a-fA-F])'
            then case
                when json_typeof({{ document }} -> '{{ key }}') in ('string', 'number', 'boolean')
                    then {{ document }} ->> '{{ key }}'
            end
        else case
            when
                json_typeof({{ _json_without_bad_escapes(json_column, '0001') }} -> '{{ key }}')
                in ('string', 'number', 'boolean')
                and cast({{ _json_without_bad_escapes(json_column, '0001') }} -> '{{ key }}' as text)
                = cast({{ _json_without_bad_escapes(json_column, '0002') }} -> '{{ key }}' as text)
                then {{ _json_without_bad_escapes(json_column, '0001') }} ->> '{{ key }}'
        end
    end
{%- endmacro %}

{#- The document with every real \u0000 escape and every unpaired surrogate escape replaced by
    \u<marker>. An escape is real when an even run of backslashes precedes its backslash. -#}
{% macro _json_without_bad_escapes(json_column, marker) -%}
    cast(regexp_replace(regexp_replace(cast({{ json_column }} as text),
        '(?<!\\)(?<!(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2})((?:\\\\)*)\\u[dD][c-fC-F][0-9a-fA-F]{2}',
        '\1\\u{{ marker }}', 'g'),
        '(?<!\\)((?:\\\\)*)\\u(?:0000|[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2}))',
        '\1\\u{{ marker }}', 'g') as json)
{%- endmacro %}
