{#- The keyword that makes PostgreSQL compute a CTE once (`with x as materialized (...)`), or,
    with materialized=false, inline it into each query reading it (`not materialized`: a CTE
    read twice is otherwise computed, and stored, whole); Spark has no such keyword (and plans
    a CTE read many times on its own). -#}
{% macro cte_materialized(materialized=true) -%}
    {{ return(adapter.dispatch('cte_materialized', 'glofox_analytics')(materialized)) }}
{%- endmacro %}

{% macro default__cte_materialized(materialized=true) -%}
{%- endmacro %}

{% macro postgres__cte_materialized(materialized=true) -%}
    {{ 'materialized' if materialized else 'not materialized' }}
{%- endmacro %}
