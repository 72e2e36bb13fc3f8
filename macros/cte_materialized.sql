{#- The keyword that makes PostgreSQL compute a CTE once (`with x as materialized (...)`);
    Spark has no such keyword (and plans a CTE read many times on its own). -#}
{% macro cte_materialized() -%}
    {{ return(adapter.dispatch('cte_materialized', 'glofox_analytics')()) }}
{%- endmacro %}

{% macro default__cte_materialized() -%}
{%- endmacro %}

{% macro postgres__cte_materialized() -%}
    materialized
{%- endmacro %}
