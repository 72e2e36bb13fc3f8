-- Floor of metrics_30d (issue 6): the least scans any correct answer to A1-A10 for the as-of
-- date D ({{ as_of }}) must run, in one statement and no intermediate relation: the users
-- (new in the window), the messages of the window, and every payment document once (a
-- payment's _id must be compared with all earlier deliveries, A1, and the cohort needs each
-- user's first payment ever, A10), parsed with the checks of A2 that no cast can fail.
-- Written to schema bench_floor; the benchmark checks its numbers equal metrics_30d's.
set timezone = 'UTC';
create schema if not exists bench_floor;
drop table if exists bench_floor.metrics_30d;

create table bench_floor.metrics_30d as
with

bounds as (
    select
        cast('{{ as_of }}' as timestamp) - interval '29 days' as window_start,
        cast('{{ as_of }}' as timestamp) + interval '1 day' as window_end,
        cast('{{ as_of }}' as timestamp) - interval '59 days' as cohort_start,
        cast('{{ as_of }}' as timestamp) - interval '29 days' as cohort_end
),

new_users as (
    select users.id as user_id
    from app.users as users, bounds
    where users.created_at >= bounds.window_start and users.created_at < bounds.window_end
),

senders as (
    select distinct messages.user_id
    from app.messages as messages, bounds
    where
        messages.user_id is not null
        and messages.created_at >= bounds.window_start
        and messages.created_at < bounds.window_end
),

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

paid_in_window as (
    select valid_payments.user_id, sum(valid_payments.amount) as revenue
    from valid_payments, bounds
    where valid_payments.paid_at >= bounds.window_start and valid_payments.paid_at < bounds.window_end
    group by valid_payments.user_id
),

sequenced as (
    select
        user_id,
        paid_at,
        row_number() over (partition by user_id order by paid_at, payment_id collate "C") as n,
        lead(paid_at) over (partition by user_id order by paid_at, payment_id collate "C") as next_paid_at
    from valid_payments
),

cohort as (
    select sequenced.user_id, coalesce(sequenced.next_paid_at <= sequenced.paid_at + interval '30 days', false) as is_retained
    from sequenced, bounds
    where sequenced.n = 1 and sequenced.paid_at >= bounds.cohort_start and sequenced.paid_at < bounds.cohort_end
)

select
    (select count(*) from new_users) as new_users,
    (select coalesce(sum(paid_in_window.revenue), 0) from new_users
        inner join paid_in_window on new_users.user_id = paid_in_window.user_id) as new_user_revenue,
    (select count(*) from senders) as active_users,
    (select count(*) from senders inner join paid_in_window on senders.user_id = paid_in_window.user_id)
        as active_paying_users,
    (select count(*) from new_users
        where exists (select 1 from senders where senders.user_id = new_users.user_id)
            or exists (select 1 from paid_in_window where paid_in_window.user_id = new_users.user_id))
        as converted_new_users,
    (select count(*) from cohort) as retention_cohort_users,
    (select count(*) from cohort where is_retained) as retained_users;
