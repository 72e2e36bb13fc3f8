{#- Spark: Spark SQL string literals read backslash escapes (\t, \\, \u00e9), unlike
    PostgreSQL's standard strings. dbt-spark's variant escapes only the quote, so a value holding
    a backslash (e.g. a JSON details document with \u0000 in a unit-test fixture) would change on
    its way into a literal: double every backslash first, then escape the quote. -#}
{% macro spark__escape_single_quotes(expression) -%}
    {{ expression | replace('\\', '\\\\') | replace("'", "\\'") }}
{%- endmacro %}
