{% macro grant_dashboard_columns() %}
    {%- set reader = env_var('GLOFOX_DASHBOARD_READER', '') -%}
    {%- set columns = var('dashboard_columns', {}).get(this.identifier, []) -%}
    {%- if reader and columns and target.type == 'postgres' -%}
        grant select ({{ columns | join(', ') }}) on {{ this }} to {{ adapter.quote(reader) }}
    {%- endif -%}
{% endmacro %}
