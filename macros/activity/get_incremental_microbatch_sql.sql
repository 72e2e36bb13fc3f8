{#- dbt-postgres runs each microbatch batch as a MERGE on the unique key alone, so PostgreSQL
    joins the batch's rows to the whole target table: every batch reads every fact built so
    far, and a year of daily batches grows as the square of the days. The same MERGE, with
    the batch's event-time bounds on the target side as well (as dbt's other adapters do for
    their microbatch), reads only the batch's days through the target's index. -#}
{% macro postgres__get_incremental_microbatch_sql(arg_dict) %}
    {%- if not arg_dict["unique_key"] -%}
        {{ exceptions.raise_compiler_error("dbt-postgres 'microbatch' requires a `unique_key` config") }}
    {%- endif -%}
    {%- set predicates = [] + (arg_dict.get("incremental_predicates") or []) -%}
    {%- set event_time = "DBT_INTERNAL_DEST." ~ model.config.event_time -%}
    {%- if model.batch and model.batch.event_time_start -%}
        {%- do predicates.append(event_time ~ " >= '" ~ model.batch.event_time_start ~ "'") -%}
    {%- endif -%}
    {%- if model.batch and model.batch.event_time_end -%}
        {%- do predicates.append(event_time ~ " < '" ~ model.batch.event_time_end ~ "'") -%}
    {%- endif -%}
    {%- do arg_dict.update({"incremental_predicates": predicates}) -%}
    {{ return(adapter.dispatch("get_incremental_merge_sql", "dbt")(arg_dict)) }}
{% endmacro %}
