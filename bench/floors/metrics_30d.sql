-- Floor of metrics_30d, the daily series: the least SQL any correct answer to A1-A10 for
-- every as-of date D from the first day with data (>= {{ begin }}) through {{ as_of }} must
-- run, in one statement and no intermediate relation: every payment document once (A1 needs
-- all deliveries of an _id, A10 each user's first two payments ever), parsed with the checks
-- of A2 that no cast can fail; the users and messages once, as user-days; then each count as
-- runs of consecutive D's summed in one pass (a window of 30 whole days makes every fact
-- count for a run of days). Written to schema bench_floor; the benchmark checks its series
-- equals metrics_30d's.
set timezone = 'UTC';
create schema if not exists bench_floor;
drop table if exists bench_floor.metrics_30d;

create table bench_floor.metrics_30d as
with

fields as (
    select
        loaded_at,
        document,
        jsonb_typeof(document) = 'object' as is_object,
        nullif(btrim(case
            when jsonb_typeof(document -> '_id' -> '$oid') = 'string' then document -> '_id' ->> '$oid'
            when jsonb_typeof(document -> '_id') = 'string' then document ->> '_id'
        end, e' \t\n\r'), '') as payment_id,
        case when jsonb_typeof(document -> 'user_id') = 'string'
            then btrim(document ->> 'user_id', e' \t\n\r') end as user_id_text,
        case jsonb_typeof(document -> 'payment_amount')
            when 'number' then document ->> 'payment_amount'
            when 'string' then btrim(document ->> 'payment_amount', e' \t\n\r')
            when 'object' then case when jsonb_typeof(document -> 'payment_amount' -> '$numberDecimal') = 'string'
                then btrim(document -> 'payment_amount' ->> '$numberDecimal', e' \t\n\r') end
        end as amount_text,
        case
            when jsonb_typeof(document -> 'transaction_date') = 'string' then document ->> 'transaction_date'
            when jsonb_typeof(document -> 'transaction_date' -> '$date') = 'string'
                then document -> 'transaction_date' ->> '$date'
        end as date_text,
        case when jsonb_typeof(document -> 'transaction_date' -> '$date' -> '$numberLong') = 'string'
            then document -> 'transaction_date' -> '$date' ->> '$numberLong' end as epoch_text
    from app.payment_events
),

first_deliveries as (
    select distinct on (payment_id) *
    from fields
    where is_object and payment_id is not null
    order by payment_id, loaded_at, cast(document as text) collate "C"
),

parsed as (
    -- A2 dates: the strict ISO-8601 shapes are checked with `~` (PostgreSQL's fast matcher;
    -- regexp_match with capture groups costs ~100 us a row), then cast by PostgreSQL's own
    -- timestamptz input (session zone UTC, so no offset means UTC), behind pg_input_is_valid
    -- (month 13, Feb 30, hour 25 fail) and two more checks the input would let through
    -- (second 60, offsets beyond 14 hours); fractions beyond microseconds are truncated.
    select
        payment_id,
        case when user_id_text ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
            then cast(user_id_text as uuid) end as user_id,
        case when amount_text ~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'
            and pg_input_is_valid(amount_text, 'numeric') then cast(amount_text as numeric) end as amount,
        case
            when date_text ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$'
                and date_text !~ 'T[0-9]{2}:[0-9]{2}:6'
                and date_text !~ 'T[0-9:.]*[+-](1[5-9]|[2-9][0-9])(:?[0-9]{2})?$'
                then case
                    when date_text !~ '[.][0-9]{7}' then date_text
                    else regexp_replace(date_text, '([.][0-9]{6})[0-9]+', '\1')
                end
        end as iso_text,
        case when epoch_text ~ '^-?[0-9]{1,14}$' then cast(epoch_text as bigint) end as epoch_ms
    from first_deliveries
),

payments as (
    select
        user_id,
        amount,
        case
            when pg_input_is_valid(iso_text, 'timestamptz')
                then cast(cast(iso_text as timestamptz) at time zone 'UTC' as timestamp)
            when iso_text is null and epoch_ms is not null
                then timestamp '1970-01-01' + (epoch_ms / 1000) * interval '1 second'
                    + (epoch_ms % 1000) * interval '1 millisecond'
        end as paid_at,
        payment_id
    from parsed
    where user_id is not null and amount > 0
),

valid_payments as (
    select * from payments where paid_at is not null
),

user_days as (
    select user_id, day, bool_or(is_signup) as is_signup, bool_or(is_message) as is_message,
        sum(revenue) as revenue, min(first_paid_at) as first_paid_at,
        -- the day's second payment time (A10): the smallest after the first, or the first again
        min(second_paid_at) as second_paid_at, bool_or(is_payment) as is_payment
    from (
        select id as user_id, cast(created_at as date) as day, true as is_signup,
            false as is_message, false as is_payment, 0 as revenue,
            cast(null as timestamp) as first_paid_at, cast(null as timestamp) as second_paid_at
        from app.users
        where id is not null and created_at >= '{{ begin }}'
        union all
        select user_id, cast(created_at as date), false, true, false, 0, null, null
        from app.messages
        where user_id is not null and created_at >= '{{ begin }}'
        group by user_id, cast(created_at as date)
        union all
        select user_id, day, false, false, true, sum(amount), min(paid_at),
            min(case when n = 2 then paid_at end)
        from (
            select user_id, amount, paid_at, cast(paid_at as date) as day,
                row_number() over (
                    partition by user_id, cast(paid_at as date) order by paid_at, payment_id collate "C"
                ) as n
            from valid_payments
            where paid_at >= '{{ begin }}'
        ) as day_payments
        group by user_id, day
    ) as facts
    group by user_id, day
),

bounds as (
    select min(day) as first_day, date '{{ as_of }}' as last_day from user_days
),

segments as (
    select user_id, day as seg_start,
        coalesce(cast(lead(day) over w as date) - 1, (select last_day from bounds)) as seg_end,
        max(case when is_message then day end) over w_so_far as last_message_day,
        max(case when is_payment then day end) over w_so_far as last_payment_day
    from user_days
    where is_message or is_payment
    window w as (partition by user_id order by day),
        w_so_far as (partition by user_id order by day rows unbounded preceding)
),

signups as (
    select user_id, day as signup_day from user_days where is_signup
),

firsts as (
    select user_id, day, first_paid_at,
        coalesce(second_paid_at, lead(first_paid_at) over w) as second_paid_at,
        row_number() over w as n
    from user_days
    where is_payment
    window w as (partition by user_id order by day)
),

runs (start_day, end_day, nu, rev, au, apu, cnu, rcu, ru) as (
    select signup_day, signup_day + 29, 1, 0::numeric, 0, 0, 0, 0, 0 from signups
    union all
    select greatest(d.day, s.signup_day), least(d.day, s.signup_day) + 29, 0, d.revenue, 0, 0, 0, 0, 0
    from user_days as d inner join signups as s on d.user_id = s.user_id
    where d.is_payment
    union all
    select seg_start, least(seg_end, last_message_day + 29), 0, 0, 1, 0, 0, 0, 0
    from segments where last_message_day is not null
    union all
    select seg_start, least(seg_end, least(last_message_day, last_payment_day) + 29), 0, 0, 0, 1, 0, 0, 0
    from segments where last_message_day is not null and last_payment_day is not null
    union all
    select greatest(g.seg_start, s.signup_day), least(g.seg_end, g.seg_start + 29, s.signup_day + 29),
        0, 0, 0, 0, 1, 0, 0
    from segments as g inner join signups as s on g.user_id = s.user_id
    union all
    select day + 30, day + 59, 0, 0, 0, 0, 0, 1,
        case when second_paid_at <= first_paid_at + interval '30 days' then 1 else 0 end
    from firsts where n = 1
),

changes as (
    select greatest(change_day, (select first_day from bounds)) as change_day,
        sum(nu) as nu, sum(rev) as rev, sum(au) as au, sum(apu) as apu, sum(cnu) as cnu,
        sum(rcu) as rcu, sum(ru) as ru
    from (
        select start_day as change_day, nu, rev, au, apu, cnu, rcu, ru from runs
        where end_day >= start_day
        union all
        select end_day + 1, -nu, -rev, -au, -apu, -cnu, -rcu, -ru from runs
        where end_day >= start_day
    ) as signed
    group by 1
)

select
    cast(days.day as date) as as_of_date,
    sum(coalesce(changes.nu, 0)) over running as new_users,
    sum(coalesce(changes.rev, 0)) over running as new_user_revenue,
    sum(coalesce(changes.au, 0)) over running as active_users,
    sum(coalesce(changes.apu, 0)) over running as active_paying_users,
    sum(coalesce(changes.cnu, 0)) over running as converted_new_users,
    sum(coalesce(changes.rcu, 0)) over running as retention_cohort_users,
    sum(coalesce(changes.ru, 0)) over running as retained_users
from generate_series(
    (select first_day from bounds), (select last_day from bounds), interval '1 day'
) as days (day)
left join changes on cast(days.day as date) = changes.change_day
window running as (order by days.day rows unbounded preceding);
