{#- Spark: a model whose `grants` name no grantee (the dashboard's reader role is granted on
    PostgreSQL only, so its list is empty here) grants nothing. dbt's default would still run
    SHOW GRANTS to compare, which Spark's session catalog cannot parse. -#}
{% macro spark__apply_grants(relation, grant_config, should_revoke=True) -%}
    {%- set grantees = [] -%}
    {%- for privilege in (grant_config or {}) -%}
        {%- do grantees.extend(grant_config[privilege] or []) -%}
    {%- endfor -%}
    {%- if grantees -%}
        {{ return(default__apply_grants(relation, grant_config, should_revoke)) }}
    {%- endif -%}
{%- endmacro %}
