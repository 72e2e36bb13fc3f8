-- Dashboard: when the last dbt build that included the dashboard's relations ran (UTC) and
-- its invocation id, for the pages' "built at" line. One row, rebuilt by every `make run`.
-- It reads no rows, but it dates the relations the pages read, so it is built after the
-- last of them: the lead page's options (after its counts and members) and the activity
-- page's segments, daily chart and drill-down. A build in which one of them fails leaves the
-- previous time, as the pages then still show the previous build's data.
-- depends_on: {{ ref('dash_lead_options') }}
-- depends_on: {{ ref('dash_activity_segments') }}
-- depends_on: {{ ref('dash_activity_new_users') }}
-- depends_on: {{ ref('dash_activity_daily_segments') }}
{{ config(materialized='table') }}

with

final as (
    select
        cast(timezone('UTC', now()) as {{ dbt.type_timestamp() }}) as built_at_utc,
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as invocation_id
)

select * from final
