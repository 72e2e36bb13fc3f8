{#- A source table of the app replica may be missing (the brief's own container holds only
    the lead-conversion tables). The staging models then build empty, with the columns and
    types the source declares, and say so in one log line, as Fivetran's packages do for a
    missing source table (they ask the adapter whether the relation exists). -#}

{#- True when the source table exists; asks the adapter at run time (always true while
    dbt parses, when no database may be asked). -#}
{% macro source_table_exists(source_name, table_name) -%}
    {%- if not execute -%}
        {{- return(true) -}}
    {%- endif -%}
    {%- set relation = source(source_name, table_name) -%}
    {#- In a unit test the source is the test's own rows, never missing. -#}
    {%- if relation.schema is none or relation.identifier is none -%}
        {{- return(true) -}}
    {%- endif -%}
    {%- set found = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) -%}
    {%- if found is none -%}
        {{ log(model.name ~ ": source table " ~ relation.schema ~ "." ~ relation.identifier
            ~ " does not exist; read as empty", info=true) }}
    {%- endif -%}
    {{- return(found is not none) -}}
{%- endmacro %}

{#- A select of no rows with the declared columns (name and data_type in the source's YAML)
    of the source table, for when it is missing. -#}
{% macro empty_source_rows(source_name, table_name) -%}
    {%- set columns = [] -%}
    {%- for node in graph.sources.values()
        if node.source_name == source_name and node.name == table_name -%}
        {%- for column in node.columns.values() -%}
            {%- do columns.append("cast(null as " ~ column.data_type ~ ") as " ~ column.name) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not columns and execute -%}
        {{ exceptions.raise_compiler_error(
            "source " ~ source_name ~ "." ~ table_name ~ " declares no columns with data_type: "
            ~ "add them to its YAML so the staging model can build empty without it") }}
    {%- endif -%}
    select
        {{ columns | join(",\n        ") }}
    where 1 = 0
{%- endmacro %}
