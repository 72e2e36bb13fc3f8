-- The brief's own output table public.fct_client_conversion_events (L15), which an analyst
-- reads with the brief's JDBC URL and the default search_path: a copy of the mart's rows,
-- replacing the table the brief's container pre-creates. A table, not a view: dbt swaps a table
-- in one transaction, whereas a view over the mart would be dropped with the mart's previous
-- table on every rebuild. PostgreSQL only: the brief's container is PostgreSQL.
{{ config(
    schema=var('glofox_source_schema'),
    alias='fct_client_conversion_events',
    enabled=target.type == 'postgres',
) }}

with

mart as (
    select * from {{ ref('fct_client_conversion_events') }}
),

final as (
    select * from mart
)

select * from final
