-- dash_lead_members holds exactly the rows of fct_lead_conversions (L13), one for one,
-- with a CLIENT flag equal to lead_status, the event's source label and days to conversion
-- equal to the difference of the two local times (L8; NULL when one is
-- infinite). Fails with every row that differs.
with

members as (
    select
        client_conversion_event_filter,
        user_id,
        local_user_created_at,
        case when is_client then 'CLIENT' else 'LEAD' end as lead_status,
        source_label,
        days_to_conversion
    from {{ ref('dash_lead_members') }}
),

marts as (
    select
        client_conversion_event_filter,
        user_id,
        local_user_created_at,
        lead_status,
        coalesce(client_conversion_event_source, '(no source)') as source_label,
        -- at the column's declared precision, numeric(38, 18)
        case
            when
                isfinite(client_conversion_event_local_created_at)
                and isfinite(local_user_created_at)
                then cast(
                    extract(
                        epoch from client_conversion_event_local_created_at - local_user_created_at
                    ) / 86400.0 as numeric(38, 18)
                )
        end as days_to_conversion
    from {{ ref('fct_lead_conversions') }}
),

only_in_members as (
    select
        'only in dash_lead_members' as problem,
        *
    from members
    except all
    select
        'only in dash_lead_members' as problem,
        *
    from marts
),

only_in_marts as (
    select
        'only in fct_lead_conversions' as problem,
        *
    from marts
    except all
    select
        'only in fct_lead_conversions' as problem,
        *
    from members
)

select * from only_in_members
union all
select * from only_in_marts
