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
        ~ adapter.type() ~ "__json_scalar_text macro (rule L4)."
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

{#- Spark: the details columns are STRING on Spark (glofox spark-load). The value's
    JSON type comes from from_json with a VARIANT field (a per-field parse: a document that is
    not an object gives NULL, with duplicate keys the last one wins, like PostgreSQL's json);
    strings and booleans read as their text. Numbers read as written: variant normalises them
    (1.50 -> 1.5, 1e2 -> 100.0, -0 -> 0), so their text comes from a copy of the document in which
    every number outside strings is quoted. Documents holding a \u0000 or unpaired surrogate
    escape are read from two copies (\u0001 / \u0002) as on PostgreSQL: where they differ, NULL. -#}
{% macro spark__json_scalar_text(json_column, key) -%}
    {%- set has_bad_escape = json_column ~ " rlike r'\\\\u(0000|[dD][89a-fA-F])'" -%}
    {%- set document = "case when " ~ has_bad_escape ~ " then "
        ~ _spark_json_without_bad_escapes(json_column, '0001') ~ " else " ~ json_column ~ " end" -%}
    {%- set value = _spark_json_field(document, key, 'variant') -%}
    {%- set value_type = "schema_of_variant(" ~ value ~ ")" -%}
    case
        when
            {{ value_type }} in ('STRING', 'BOOLEAN')
            and (
                not {{ has_bad_escape }}
                or cast({{ value }} as string) = cast({{ _spark_json_field(
                    _spark_json_without_bad_escapes(json_column, '0002'), key, 'variant') }} as string)
            )
            then cast({{ value }} as string)
        when {{ value_type }} rlike '^(TINYINT|SMALLINT|INT|BIGINT|FLOAT|DOUBLE|DECIMAL.*)$'
            then {{ _spark_json_field(_spark_json_numbers_quoted(document), key, 'string') }}
    end
{%- endmacro %}

{#- The top-level field `key` of a JSON object document as `field_type`, NULL when the document
    is not a JSON object or the field cannot be read as that type; strict JSON (no single quotes,
    no NaN). -#}
{% macro _spark_json_field(document, key, field_type) -%}
    from_json({{ document }}, '`{{ key }}` {{ field_type }}',
        map('allowSingleQuotes', 'false', 'allowNonNumericNumbers', 'false')).`{{ key }}`
{%- endmacro %}

{#- The document with every number token outside strings turned into a string of its text
    (1.50 -> "1.50"), so that it can be read exactly as written. -#}
{% macro _spark_json_numbers_quoted(document) -%}
    regexp_replace({{ document }},
        r'\G((?:[^"\-0-9]++|"(?:[^"\\]++|\\.)*+")*+)(-?(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?+(?:[eE][+-]?+[0-9]++)?+)',
        r'$1"$2"')
{%- endmacro %}

{#- Java-regex form of _json_without_bad_escapes: Java lookbehinds need a bounded length, so a
    run of up to 32 escaped backslashes before a high surrogate escape is recognised. -#}
{% macro _spark_json_without_bad_escapes(json_column, marker) -%}
    regexp_replace(regexp_replace({{ json_column }},
        r'(?<!\\)(?<!(?<!\\)(?:\\\\){0,32}\\u[dD][89abAB][0-9a-fA-F]{2})((?:\\\\)*+)\\u[dD][c-fC-F][0-9a-fA-F]{2}',
        r'$1\\u{{ marker }}'),
        r'(?<!\\)((?:\\\\)*+)\\u(?:0000|[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2}))',
        r'$1\\u{{ marker }}')
{%- endmacro %}
