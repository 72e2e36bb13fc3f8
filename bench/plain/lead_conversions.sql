-- The lead marts as one plain SQL script (L1-L13), the way one would write them by hand
-- without dbt: clean the four input tables, keep one row per user, branch and purchase id with
-- row_number(), rank each user's purchases, join, write both outputs. Same rules and
-- tie-breaks as the models; the benchmark checks it gives exactly the marts' rows. Written to
-- schema bench_plain.
drop schema if exists bench_plain cascade;
create schema bench_plain;

create table bench_plain.fct_client_conversion_events as
with

users as (
    select
        nullif(btrim(user_id, e' \t\n\013\f\r'), '') as user_id,
        nullif(btrim(branch_id, e' \t\n\013\f\r'), '') as branch_id,
        nullif(btrim(name, e' \t\n\013\f\r'), '') as user_name,
        nullif(btrim(email, e' \t\n\013\f\r'), '') as email,
        created_at
    from public.dim_user
),

ranked_users as (
    select
        *,
        row_number() over (
            partition by user_id
            order by
                created_at nulls last, branch_id collate "C" nulls last,
                user_name collate "C" nulls last, email collate "C" nulls last
        ) as n
    from users
),

kept_users as (
    select * from ranked_users where user_id is not null and n = 1
),

branches as (
    select
        nullif(btrim(branch_id, e' \t\n\013\f\r'), '') as branch_id,
        nullif(btrim(name, e' \t\n\013\f\r'), '') as branch_name,
        nullif(btrim(email, e' \t\n\013\f\r'), '') as email,
        nullif(btrim(city, e' \t\n\013\f\r'), '') as city,
        nullif(btrim(country, e' \t\n\013\f\r'), '') as country,
        nullif(btrim(timezone_id, e' \t\n\013\f\r'), '') as timezone_id,
        created_at
    from public.dim_branch
),

ranked_branches as (
    select
        *,
        row_number() over (
            partition by branch_id
            order by
                created_at nulls last, timezone_id collate "C" nulls last,
                country collate "C" nulls last, branch_name collate "C" nulls last,
                email collate "C" nulls last, city collate "C" nulls last
        ) as n
    from branches
),

zoned_branches as (
    select
        ranked_branches.branch_id,
        coalesce(zones.name, capitals.timezone_id, 'UTC') as zone
    from ranked_branches
    left join pg_timezone_names as zones
        on lower(ranked_branches.timezone_id) = lower(zones.name)
    left join seeds.country_capital_timezones as capitals
        on lower(ranked_branches.country) = lower(capitals.country)
    where ranked_branches.branch_id is not null and ranked_branches.n = 1
),

purchases as (
    select
        'MEMBERSHIP' as purchase_type,
        nullif(btrim(membership_id, e' \t\n\013\f\r'), '') as purchase_id,
        nullif(btrim(user_id, e' \t\n\013\f\r'), '') as user_id,
        nullif(btrim(branch_id, e' \t\n\013\f\r'), '') as branch_id,
        coalesce(membership_purchased_at, created_at) as purchased_at,
        created_at,
        nullif(btrim({{ json_text('membership_purchase_details', 'name') }}, e' \t\n\013\f\r'), '') as purchase_name,
        nullif(btrim({{ json_text('membership_purchase_details', 'source') }}, e' \t\n\013\f\r'), '') as purchase_source
    from public.fct_membership_purchases
    union all
    select
        'USER_CREDIT',
        nullif(btrim(credit_pack_id, e' \t\n\013\f\r'), ''),
        nullif(btrim(user_id, e' \t\n\013\f\r'), ''),
        nullif(btrim(branch_id, e' \t\n\013\f\r'), ''),
        coalesce(credit_pack_purchased_at, created_at),
        created_at,
        nullif(btrim({{ json_text('credit_pack_purchase_details', 'name') }}, e' \t\n\013\f\r'), ''),
        nullif(btrim({{ json_text('credit_pack_purchase_details', 'source') }}, e' \t\n\013\f\r'), '')
    from public.fct_credit_pack_purchases
),

deduplicated_purchases as (
    select
        *,
        row_number() over (
            partition by purchase_type, purchase_id
            order by
                purchased_at, created_at nulls last, user_id collate "C",
                branch_id collate "C" nulls last, purchase_name collate "C" nulls last,
                purchase_source collate "C" nulls last
        ) as n
    from purchases
    where purchase_id is not null and user_id is not null and purchased_at is not null
),

ranked_purchases as (
    select
        *,
        row_number() over (
            partition by user_id, purchase_type
            order by purchased_at, created_at nulls last, purchase_id collate "C"
        ) as purchase_rank
    from deduplicated_purchases
    where n = 1
),

first_memberships as (
    select * from ranked_purchases where purchase_rank = 1 and purchase_type = 'MEMBERSHIP'
),

first_credit_packs as (
    select * from ranked_purchases where purchase_rank = 1 and purchase_type = 'USER_CREDIT'
),

converted as (
    select
        kept_users.user_id,
        kept_users.created_at,
        m.purchase_id as m_id,
        m.purchased_at as m_at,
        m.purchase_name as m_name,
        m.purchase_source as m_source,
        c.purchase_id as c_id,
        c.purchased_at as c_at,
        c.purchase_name as c_name,
        c.purchase_source as c_source,
        case
            when m.purchase_id is not null and (c.purchase_id is null or m.purchased_at <= c.purchased_at)
                then 'MEMBERSHIP'
            when c.purchase_id is not null then 'USER_CREDIT'
        end as event_type,
        coalesce(
            kept_users.branch_id,
            case
                when m.purchase_id is not null and (c.purchase_id is null or m.purchased_at <= c.purchased_at)
                    then m.branch_id
                else c.branch_id
            end
        ) as branch_id
    from kept_users
    left join first_memberships as m on kept_users.user_id = m.user_id
    left join first_credit_packs as c on kept_users.user_id = c.user_id
),

zoned as (
    select converted.*, coalesce(zoned_branches.zone, 'UTC') as zone
    from converted
    left join zoned_branches on converted.branch_id = zoned_branches.branch_id
)

select
    user_id,
    branch_id,
    (created_at at time zone 'UTC') at time zone zone as local_user_created_at,
    case when event_type is null then 'LEAD' else 'CLIENT' end as lead_status,
    event_type as client_conversion_event_type,
    case event_type when 'MEMBERSHIP' then m_id else c_id end as client_conversion_event_id,
    (case event_type when 'MEMBERSHIP' then m_at else c_at end at time zone 'UTC') at time zone zone
        as client_conversion_event_local_created_at,
    case event_type when 'MEMBERSHIP' then m_name else c_name end as client_conversion_event_name,
    case event_type when 'MEMBERSHIP' then m_source else c_source end
        as client_conversion_event_source,
    m_id as first_user_membership_id,
    (m_at at time zone 'UTC') at time zone zone as first_local_membership_purchased_at,
    m_name as first_membership_name,
    m_source as first_membership_source,
    c_id as first_credit_pack_id,
    (c_at at time zone 'UTC') at time zone zone as first_local_credit_pack_purchase_at,
    c_name as first_credit_pack_name,
    c_source as first_credit_pack_source
from zoned;

create table bench_plain.fct_lead_conversions as
select
    user_id, branch_id, local_user_created_at, lead_status, client_conversion_event_type,
    client_conversion_event_id, client_conversion_event_local_created_at,
    client_conversion_event_name, client_conversion_event_source,
    'ALL' as client_conversion_event_filter
from bench_plain.fct_client_conversion_events
union all
select
    user_id, branch_id, local_user_created_at, 'CLIENT', 'MEMBERSHIP', first_user_membership_id,
    first_local_membership_purchased_at, first_membership_name, first_membership_source,
    'MEMBERSHIP'
from bench_plain.fct_client_conversion_events
where first_user_membership_id is not null
union all
select
    user_id, branch_id, local_user_created_at, 'CLIENT', 'USER_CREDIT', first_credit_pack_id,
    first_local_credit_pack_purchase_at, first_credit_pack_name, first_credit_pack_source,
    'USER_CREDIT'
from bench_plain.fct_client_conversion_events
where first_credit_pack_id is not null;
