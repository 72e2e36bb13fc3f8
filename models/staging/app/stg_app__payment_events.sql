-- A1, A2: one row per loaded payment document, parsed without any cast that can raise.
-- Each field is first reduced to a text candidate by the shapes the spec allows, checked
-- by regex and pg_input_is_valid, and only then cast (inside a CASE on the check). A
-- document that is not a payment keeps its row here with the rule and reason that set it
-- aside; int_payments_deduplicated keeps the payments, audit_app__documents_set_aside the rest.
-- Issue 6: a table, so the documents are parsed once per build, not once per model reading
-- them (metrics, segments, cohorts, new users, audit, experiments).
{{ config(materialized='table', indexes=[{'columns': ['payment_id']}]) }}

with

source as (

    select * from {{ source('app', 'payment_events') }}

),

numbered as (

    -- A1 order: loaded_at, then the document's jsonb text in byte order (deterministic;
    -- rows that tie on both are identical re-deliveries, so which copy wins is moot).
    select
        loaded_at,
        document,
        jsonb_typeof(document) as document_type,
        document -> '_id' as id_json,
        document -> 'user_id' as user_id_json,
        document -> 'payment_amount' as amount_json,
        document -> 'transaction_date' as date_json,
        row_number() over (
            order by loaded_at asc, cast(document as text) collate "C" asc
        ) as event_row_id

    from source

),

extracted as (

    -- A2 shapes: each field as a text candidate, NULL when its JSON shape is not allowed.
    select
        event_row_id,
        loaded_at,
        document,
        document_type,
        user_id_json,
        amount_json,
        date_json,
        nullif({{ json_text_trimmed("coalesce(id_json -> '$oid', id_json)") }}, '')
            as payment_id,
        {{ json_text_trimmed('user_id_json') }} as user_id_text,
        case jsonb_typeof(amount_json)
            when 'number' then amount_json #>> '{}'
            when 'string' then {{ json_text_trimmed('amount_json') }}
            when 'object' then {{ json_text_trimmed("amount_json -> '$numberDecimal'") }}
        end as amount_text,
        case
            when jsonb_typeof(date_json) = 'string' then date_json #>> '{}'
            when jsonb_typeof(date_json -> '$date') = 'string' then date_json ->> '$date'
        end as date_iso_text,
        -- the zone suffix (Z or an offset) after a time, for the ISO parts in `checked`
        substring(
            substr(
                case
                    when jsonb_typeof(date_json) = 'string' then date_json #>> '{}'
                    when jsonb_typeof(date_json -> '$date') = 'string' then date_json ->> '$date'
                end,
                17
            )
            from '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$'
        ) as date_zone_text,
        case
            when jsonb_typeof(date_json -> '$date' -> '$numberLong') = 'string'
                then date_json -> '$date' ->> '$numberLong'
        end as date_epoch_ms_text

    from numbered

),

checked as materialized (

    -- A2 checks: strict patterns first, then pg_input_is_valid for what a regex cannot see.
    select
        *,
        user_id_text ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
            as is_user_id_uuid,
        amount_text ~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'
        and pg_input_is_valid(amount_text, 'numeric') as is_amount_finite,
        date_epoch_ms_text ~ '^-?[0-9]{1,14}$' as is_epoch_ms,
        -- 1 year, 2 month, 3 day, 4 hour, 5 minute, 6 second, 7 fraction, 8 offset sign,
        -- 9 offset hours, 10 offset minutes; NULL when the text is not strict ISO-8601.
        -- Issue 6 (speed): the shape is checked with `~` (a fast automaton), then the parts are
        -- cut at their fixed positions: one regexp_match with the ten capture groups costs
        -- ~250 us a row, this a few. This CTE is MATERIALIZED so the parts are computed once a
        -- row, not once for each of their ~20 uses below.
        case
            when
                date_iso_text ~ (
                    '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?'
                    || '(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$'
                )
                then array[
                    substr(date_iso_text, 1, 4),
                    substr(date_iso_text, 6, 2),
                    substr(date_iso_text, 9, 2),
                    nullif(substr(date_iso_text, 12, 2), ''),
                    nullif(substr(date_iso_text, 15, 2), ''),
                    case
                        when substr(date_iso_text, 17, 1) = ':'
                            then substr(date_iso_text, 18, 2)
                    end,
                    case
                        when substr(date_iso_text, 20, 1) = '.'
                            then substr(
                                date_iso_text,
                                21,
                                length(date_iso_text) - 20
                                - coalesce(length(date_zone_text), 0)
                            )
                    end,
                    case
                        when left(date_zone_text, 1) in ('+', '-')
                            then left(date_zone_text, 1)
                    end,
                    case
                        when left(date_zone_text, 1) in ('+', '-')
                            then substr(date_zone_text, 2, 2)
                    end,
                    nullif(substr(replace(date_zone_text, ':', ''), 4, 2), '')
                ]
        end as iso_parts

    from extracted

),

dated as (

    -- A2 impossible dates: month 13, Feb 30, year 0000 fail pg_input_is_valid(date);
    -- the time and offset parts are two digits each, so text comparison bounds them.
    select
        *,
        iso_parts is not null
        and pg_input_is_valid(
            iso_parts[1] || '-' || iso_parts[2] || '-' || iso_parts[3], 'date'
        )
        and coalesce(iso_parts[4], '00') <= '23'
        and coalesce(iso_parts[5], '00') <= '59'
        and coalesce(iso_parts[6], '00') <= '59'
        and coalesce(iso_parts[9], '00') <= '14'
        and coalesce(iso_parts[10], '00') <= '59' as is_iso_date_possible

    from checked

),

parsed as (

    -- Casts only behind the checks above: none of them can raise.
    select
        event_row_id,
        loaded_at,
        document,
        document_type,
        user_id_json,
        amount_json,
        date_json,
        payment_id,
        amount_text,
        date_iso_text,
        date_epoch_ms_text,
        iso_parts,
        is_epoch_ms,
        case when is_user_id_uuid then cast(user_id_text as uuid) end as user_id,
        case when is_amount_finite then cast(amount_text as numeric) end as payment_amount,
        case
            -- ISO-8601: fraction truncated to microseconds; an offset is subtracted (UTC).
            when is_iso_date_possible
                then cast(
                    iso_parts[1] || '-' || iso_parts[2] || '-' || iso_parts[3] || ' '
                    || coalesce(iso_parts[4], '00') || ':' || coalesce(iso_parts[5], '00')
                    || ':' || coalesce(iso_parts[6], '00')
                    || '.' || left(coalesce(iso_parts[7], '0'), 6)
                    as {{ dbt.type_timestamp() }}
                )
                - (case when iso_parts[8] = '-' then -1 else 1 end)
                * (
                    cast(coalesce(iso_parts[9], '0') as integer) * interval '1 hour'
                    + cast(coalesce(iso_parts[10], '0') as integer) * interval '1 minute'
                )
            -- Epoch milliseconds, exact: whole seconds plus the remaining milliseconds.
            when is_epoch_ms
                then
                    cast('1970-01-01' as {{ dbt.type_timestamp() }})
                    + (cast(date_epoch_ms_text as bigint) / 1000) * interval '1 second'
                    + (cast(date_epoch_ms_text as bigint) % 1000) * interval '1 millisecond'
        end as paid_at

    from dated

),

ranked as (

    -- A1: deliveries of one _id in load order; the first is the one kept.
    select
        *,
        row_number() over (
            partition by payment_id order by event_row_id asc
        ) as delivery_number,
        min(event_row_id) over (partition by payment_id) as first_event_row_id

    from parsed

),

classified as (

    -- The first failing check names the reason; NULL means the document is a payment.
    select
        *,
        case
            when document_type != 'object' then 'not_an_object'
            when payment_id is null then 'missing_id'
            when delivery_number > 1 then 'duplicate_id'
            when coalesce(jsonb_typeof(user_id_json), 'null') = 'null' then 'missing_user_id'
            when user_id is null then 'invalid_user_id'
            when coalesce(jsonb_typeof(amount_json), 'null') = 'null' then 'missing_amount'
            when amount_text is null then 'amount_wrong_type'
            when payment_amount is null then 'amount_not_numeric'
            when payment_amount <= 0 then 'amount_not_positive'
            when coalesce(jsonb_typeof(date_json), 'null') = 'null' then 'missing_date'
            when date_iso_text is null and date_epoch_ms_text is null then 'date_wrong_shape'
            when iso_parts is null and not coalesce(is_epoch_ms, false) then 'date_unparseable'
            when paid_at is null then 'date_impossible'
        end as set_aside_reason_code

    from ranked

),

final as (

    select
        event_row_id,
        loaded_at,
        document,
        payment_id,
        user_id,
        payment_amount,
        paid_at,
        set_aside_reason_code is null as is_payment,
        case
            when set_aside_reason_code = 'duplicate_id' then 'A1'
            when set_aside_reason_code is not null then 'A2'
        end as set_aside_rule,
        set_aside_reason_code,
        case set_aside_reason_code
            when 'not_an_object' then 'document is a JSON ' || document_type || ', not an object'
            when 'missing_id' then '_id is missing, blank, or not a string or {"$oid": string}'
            when 'duplicate_id'
                then
                    'duplicate of _id ' || payment_id || ': event_row_id '
                    || first_event_row_id || ', loaded first, is kept'
            when 'missing_user_id' then 'user_id is missing or null'
            when 'invalid_user_id' then 'user_id is not a UUID string'
            when 'missing_amount' then 'payment_amount is missing or null'
            when 'amount_wrong_type'
                then
                    'payment_amount is not a number, a numeric string or {"$numberDecimal": string}'
            when 'amount_not_numeric' then 'payment_amount is not a finite number'
            when 'amount_not_positive' then 'payment_amount is not greater than 0'
            when 'missing_date' then 'transaction_date is missing or null'
            when 'date_wrong_shape'
                then
                    'transaction_date is not a string, {"$date": string} '
                    || 'or {"$date": {"$numberLong": string}}'
            when 'date_unparseable'
                then 'transaction_date is neither strict ISO-8601 nor epoch milliseconds'
            when 'date_impossible'
                then 'transaction_date names an impossible date, time or offset'
        end as set_aside_reason,
        case when delivery_number > 1 then first_event_row_id end as duplicate_of_event_row_id

    from classified

)

select * from final
