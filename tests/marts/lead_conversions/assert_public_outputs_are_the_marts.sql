-- L15: the brief's own output tables (public.fct_client_conversion_events and
-- public.fct_lead_conversions) hold exactly the marts' rows: every row either side lacks.
{{ config(enabled=target.type == 'postgres') }}

with

events_only_in_mart as (
    select * from {{ ref('fct_client_conversion_events') }}
    except all
    select * from {{ ref('fct_client_conversion_events_public') }}
),

events_only_in_public as (
    select * from {{ ref('fct_client_conversion_events_public') }}
    except all
    select * from {{ ref('fct_client_conversion_events') }}
),

conversions_only_in_mart as (
    select * from {{ ref('fct_lead_conversions') }}
    except all
    select * from {{ ref('fct_lead_conversions_public') }}
),

conversions_only_in_public as (
    select * from {{ ref('fct_lead_conversions_public') }}
    except all
    select * from {{ ref('fct_lead_conversions') }}
),

differences as (
    select
        'fct_client_conversion_events' as output_table,
        'mart only' as side,
        user_id
    from events_only_in_mart
    union all
    select
        'fct_client_conversion_events' as output_table,
        'public only' as side,
        user_id
    from events_only_in_public
    union all
    select
        'fct_lead_conversions' as output_table,
        'mart only' as side,
        user_id
    from conversions_only_in_mart
    union all
    select
        'fct_lead_conversions' as output_table,
        'public only' as side,
        user_id
    from conversions_only_in_public
)

select * from differences
