{#- dbt-postgres runs each microbatch batch as a MERGE on the unique key alone. This one
    differs in three ways, each for a reason:
    - the batch's event-time bounds are on the target side as well (as dbt's other adapters
      do for their microbatch): PostgreSQL otherwise joins the batch's rows to the whole
      target table, every batch reads every row built so far, and a year of daily batches
      grows as the square of the days; with them it reads only the batch's days through the
      target's index;
    - a row of the batch's days that the batch no longer produces is deleted, so the batch
      replaces its days, as dbt's microbatch does on the adapters that delete and insert
      (a MERGE alone would keep it);
    - a row is updated only when it changed (its text differs: a numeric's scale counts):
      a daily run rebuilds the lookback's days, whose rows mostly stay as they were, and
      rewriting them costs a new version of every row and index entry. -#}
{% macro postgres__get_incremental_microbatch_sql(arg_dict) %}
    {%- set unique_key = arg_dict["unique_key"] -%}
    {%- if not unique_key -%}
        {{ exceptions.raise_compiler_error("dbt-postgres 'microbatch' requires a `unique_key` config") }}
    {%- endif -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- set target = arg_dict["target_relation"] -%}
    {%- set source = arg_dict["temp_relation"] -%}
    {%- set columns = arg_dict["dest_columns"] | map(attribute="name") | map("string") | list -%}
    {%- set quoted = [] -%}
    {%- for column in columns -%}
        {%- do quoted.append(adapter.quote(column)) -%}
    {%- endfor -%}
    {%- set predicates = [] + (arg_dict.get("incremental_predicates") or []) -%}
    {%- set event_time = "DBT_INTERNAL_DEST." ~ model.config.event_time -%}
    {%- set bounded = model.batch and model.batch.event_time_start and model.batch.event_time_end -%}
    {%- if bounded -%}
        {%- do predicates.append(event_time ~ " >= '" ~ model.batch.event_time_start ~ "'") -%}
        {%- do predicates.append(event_time ~ " < '" ~ model.batch.event_time_end ~ "'") -%}
    {%- endif -%}
    {%- set key_match = [] -%}
    {%- for key in keys -%}
        {%- do key_match.append("DBT_INTERNAL_SOURCE." ~ key ~ " = DBT_INTERNAL_DEST." ~ key) -%}
    {%- endfor -%}
    {%- if bounded %}
    delete from {{ target }} as DBT_INTERNAL_DEST
    where
        ({{ predicates | join(") and (") }})
        and not exists (
            select from {{ source }} as DBT_INTERNAL_SOURCE
            where {{ key_match | join(" and ") }}
        );
    {%- endif %}

    merge into {{ target }} as DBT_INTERNAL_DEST
        using {{ source }} as DBT_INTERNAL_SOURCE
        on ({{ (predicates + key_match) | join(") and (") }})

    when matched
        and cast(row(DBT_INTERNAL_DEST.{{ quoted | join(", DBT_INTERNAL_DEST.") }}) as text)
        <> cast(row(DBT_INTERNAL_SOURCE.{{ quoted | join(", DBT_INTERNAL_SOURCE.") }}) as text)
        then update set
        {%- for column in quoted %}
            {{ column }} = DBT_INTERNAL_SOURCE.{{ column }}{{ "," if not loop.last }}
        {%- endfor %}

    when not matched then insert ({{ quoted | join(", ") }})
        values (DBT_INTERNAL_SOURCE.{{ quoted | join(", DBT_INTERNAL_SOURCE.") }})
{% endmacro %}
