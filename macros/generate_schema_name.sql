{#- Custom schemas are used as named (staging, intermediate, marts, audit, seeds), so the
    marts land in `marts` as the rules require, not in `<target>_marts`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
