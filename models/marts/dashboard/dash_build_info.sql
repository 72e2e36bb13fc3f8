-- Dashboard: when the last dbt build that included the dashboard's relations ran (UTC) and
-- its invocation id, for the pages' "built at" line. One row, rebuilt by every `make run`.
{{ config(materialized='table') }}

with

final as (
    select
        cast(timezone('UTC', now()) as {{ dbt.type_timestamp() }}) as built_at_utc,
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as invocation_id
)

select * from final
