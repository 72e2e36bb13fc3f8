{#- The JSON type of a parsed value with PostgreSQL's names: object, array, string, number,
    boolean, null; SQL NULL for SQL NULL. -#}
{% macro json_type(json_expression) -%}
    {{ return(adapter.dispatch('json_type', 'glofox_analytics')(json_expression)) }}
{%- endmacro %}

{% macro default__json_type(json_expression) -%}
    {{ exceptions.raise_compiler_error(
        "json_type() has no variant for the adapter '" ~ adapter.type() ~ "'."
    ) }}
{%- endmacro %}

{% macro postgres__json_type(json_expression) -%}
    jsonb_typeof({{ json_expression }})
{%- endmacro %}

{#- Spark: schema_of_variant names the type: OBJECT<...>, ARRAY<...>, STRING, BOOLEAN, VOID
    (JSON null), and BIGINT, DECIMAL(p,s) or DOUBLE for numbers. -#}
{% macro spark__json_type(json_expression) -%}
    case
        when schema_of_variant({{ json_expression }}) like 'OBJECT%' then 'object'
        when schema_of_variant({{ json_expression }}) like 'ARRAY%' then 'array'
        when schema_of_variant({{ json_expression }}) = 'STRING' then 'string'
        when schema_of_variant({{ json_expression }}) = 'BOOLEAN' then 'boolean'
        when schema_of_variant({{ json_expression }}) = 'VOID' then 'null'
        when schema_of_variant({{ json_expression }}) is not null then 'number'
    end
{%- endmacro %}
