{#- Issue 6: the version of a stored row: on PostgreSQL the id of the transaction that wrote
    it (system column xmin, as a bigint). Rows written by a later dbt run have a larger one,
    because dbt runs its models one transaction after the other. `relation_alias` names the
    relation in the FROM clause. Only used by incremental runs, which only PostgreSQL does. -#}
{% macro row_version(relation_alias) -%}
    {{ return(adapter.dispatch('row_version', 'glofox_analytics')(relation_alias)) }}
{%- endmacro %}

{% macro default__row_version(relation_alias) -%}
    {{ exceptions.raise_compiler_error(
        "row_version() has no variant for the adapter '" ~ adapter.type() ~ "': incremental "
        ~ "models are PostgreSQL-only (issue 6); use incremental_on_postgres() in the config."
    ) }}
{%- endmacro %}

{% macro postgres__row_version(relation_alias) -%}
    cast(cast({{ relation_alias }}.xmin as text) as bigint)
{%- endmacro %}

{#- Issue 6: the newest row version in `relation` (-1 when empty): an incremental model reads
    the upstream rows written after its own newest row, i.e. by the runs since its last one. -#}
{% macro newest_row_version(relation) -%}
    (select coalesce(max({{ row_version('newest_rows') }}), -1) from {{ relation }} as newest_rows)
{%- endmacro %}
