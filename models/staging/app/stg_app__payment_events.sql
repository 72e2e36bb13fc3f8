-- A2: one row per loaded payment document, parsed without any cast that can raise.
-- Each field is first reduced to a text candidate by the shapes the rules allow, checked
-- by regex and a check of the value (is_numeric_text, is_date_text), and only then cast
-- (inside a CASE on the check). A document that is not a payment keeps its row here with
-- the reason that sets it aside. A1 (which copy of an `_id` is kept) is decided over all
-- these rows by int_payment_first_copies; int_payments_deduplicated keeps the payments,
-- audit_app__documents_set_aside the rest.
-- The JSON reads, checks and casts are dispatched macros (macros/activity/_activity__macros.yml):
-- PostgreSQL reads jsonb, Spark the same documents' text with its VARIANT functions; the
-- rules and reasons below are the same SQL on both.
--
-- Incremental by load time: each row depends on its own document only, so a run parses just
-- the documents loaded since the latest one staged, less `payment_events_lookback_hours`
-- (rows of a load that committed late are picked up; those parsed again replace themselves
-- by document_key). A --full-refresh parses the whole stream. On Spark (parquet tables, no
-- merge or delete) it is a table, parsed whole by every run. payment_id is indexed by hash
-- for int_payment_first_copies (an `_id` may be kilobytes long, which a B-tree refuses, D19).
{%- set on_spark = target.type == 'spark' %}
{{ config(
    materialized='table' if on_spark else 'incremental',
    incremental_strategy='delete+insert',
    unique_key='document_key',
    on_schema_change='fail',
    indexes=[
        {'columns': ['document_key'], 'unique': true},
        {'columns': ['loaded_at']},
        {'columns': ['payment_id'], 'type': 'hash'},
    ],
) }}

with

source as (

    {%- if source_table_exists('app', 'payment_events') %}
        select * from {{ source('app', 'payment_events') }}
        {%- if is_incremental() %}
            -- The documents loaded since the latest one staged, less the lookback (all of
            -- them when nothing is staged yet); read through an index on loaded_at.
            {%- set lookback_hours = var('payment_events_lookback_hours') | int %}
            where loaded_at >= coalesce(
                (
                    select max(staged.loaded_at) - {{ lookback_hours }} * interval '1 hour'
                    from {{ this }} as staged
                ),
                cast('-infinity' as timestamptz)
            )
        {%- endif %}
    {%- else %}
    -- The table is missing: no rows, with its declared columns and types.
    {{ empty_source_rows('app', 'payment_events') }}
    {%- endif %}

),

parsed_documents as (

    select
        loaded_at,
        document,
        {{ json_document('document') }} as document_json,
        md5({{ json_document_text('document') }}) as document_hash

    from source

),

numbered as (

    -- document_key: a stable key of the row, the same in every run: its load time (epoch
    -- microseconds), the hash of its jsonb text, and its number among rows equal in both
    -- (identical re-deliveries, or the rare hash collision).
    select
        loaded_at,
        document,
        {{ json_type('document_json') }} as document_type,
        {{ json_field('document_json', '_id') }} as id_json,
        {{ json_field('document_json', 'user_id') }} as user_id_json,
        {{ json_field('document_json', 'payment_amount') }} as amount_json,
        {{ json_field('document_json', 'transaction_date') }} as date_json,
        {{ document_key(
            'loaded_at',
            'document_hash',
            'row_number() over (partition by loaded_at, document_hash order by loaded_at)',
        ) }} as document_key

    from parsed_documents

),

extracted as (

    -- A2 shapes: each field as a text candidate, NULL when its JSON shape is not allowed.
    select
        document_key,
        loaded_at,
        document,
        document_type,
        user_id_json,
        amount_json,
        date_json,
        nullif(
            {{ json_text_trimmed('coalesce(' ~ json_field('id_json', '$oid') ~ ', id_json)') }}, ''
        ) as payment_id,
        {{ json_text_trimmed('user_id_json') }} as user_id_text,
        case {{ json_type('amount_json') }}
            when 'number' then {{ json_text('amount_json') }}
            when 'string' then {{ json_text_trimmed('amount_json') }}
            -- Extended JSON, canonical or relaxed: each number type as its string.
            when 'object' then {{ json_text_trimmed(
                "coalesce(" ~ json_field('amount_json', '$numberDecimal')
                ~ ", " ~ json_field('amount_json', '$numberDouble')
                ~ ", " ~ json_field('amount_json', '$numberLong')
                ~ ", " ~ json_field('amount_json', '$numberInt') ~ ")"
            ) }}
        end as amount_text,
        case
            when {{ json_type('date_json') }} = 'string' then {{ json_text('date_json') }}
            when {{ json_type(json_field('date_json', '$date')) }} = 'string'
                then {{ json_text(json_field('date_json', '$date')) }}
        end as date_iso_text,
        -- the zone suffix (Z or an offset) after a time, for the ISO parts in `checked`
        {{ pattern_group(
            "substr(
                case
                    when " ~ json_type('date_json') ~ " = 'string' then " ~ json_text('date_json') ~ "
                    when " ~ json_type(json_field('date_json', '$date')) ~ " = 'string'
                        then " ~ json_text(json_field('date_json', '$date')) ~ "
                end,
                17
            )",
            '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$'
        ) }} as date_zone_text,
        case
            when
                {{ json_type(json_field(json_field('date_json', '$date'), '$numberLong')) }}
                = 'string'
                then {{ json_text(json_field(json_field('date_json', '$date'), '$numberLong')) }}
        end as date_epoch_ms_text

    from numbered

),

checked as {{ cte_materialized() }} (

    -- A2 checks: strict patterns first, then a check of the value for what a regex cannot see.
    select
        *,
        {{ matches_pattern(
            'user_id_text',
            '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
            ignore_case=true
        ) }} as is_user_id_uuid,
        {{ matches_pattern(
            'amount_text', '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'
        ) }}
        and {{ is_numeric_text('amount_text') }} as is_amount_finite,
        {{ matches_pattern('date_epoch_ms_text', '^-?[0-9]{1,14}$') }} as is_epoch_ms,
        -- 1 year, 2 month, 3 day, 4 hour, 5 minute, 6 second, 7 fraction, 8 offset sign,
        -- 9 offset hours, 10 offset minutes; NULL when the text is not strict ISO-8601.
        -- For speed, the shape is checked with `~` (a fast automaton), then the parts are
        -- cut at their fixed positions: one regexp_match with the ten capture groups costs
        -- ~250 us a row, this a few. This CTE is MATERIALIZED so the parts are computed once a
        -- row, not once for each of their ~20 uses below.
        case
            when
                {{ matches_pattern(
                    'date_iso_text',
                    '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?'
                    ~ '(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$'
                ) }}
                then {{ text_array([
                    "substr(date_iso_text, 1, 4)",
                    "substr(date_iso_text, 6, 2)",
                    "substr(date_iso_text, 9, 2)",
                    "nullif(substr(date_iso_text, 12, 2), '')",
                    "nullif(substr(date_iso_text, 15, 2), '')",
                    "case when substr(date_iso_text, 17, 1) = ':' then substr(date_iso_text, 18, 2) end",
                    "case when substr(date_iso_text, 20, 1) = '.' then substr(date_iso_text, 21,"
                    ~ " length(date_iso_text) - 20 - coalesce(length(date_zone_text), 0)) end",
                    "case when left(date_zone_text, 1) in ('+', '-') then left(date_zone_text, 1) end",
                    "case when left(date_zone_text, 1) in ('+', '-') then substr(date_zone_text, 2, 2) end",
                    "nullif(substr(replace(date_zone_text, ':', ''), 4, 2), '')",
                ]) }}
        end as iso_parts

    from extracted

),

unpacked as (

    -- The ISO-8601 parts by name.
    select
        *,
        {{ array_element('iso_parts', 1) }} as iso_year,
        {{ array_element('iso_parts', 2) }} as iso_month,
        {{ array_element('iso_parts', 3) }} as iso_day,
        {{ array_element('iso_parts', 4) }} as iso_hour,
        {{ array_element('iso_parts', 5) }} as iso_minute,
        {{ array_element('iso_parts', 6) }} as iso_second,
        {{ array_element('iso_parts', 7) }} as iso_fraction,
        {{ array_element('iso_parts', 8) }} as iso_offset_sign,
        {{ array_element('iso_parts', 9) }} as iso_offset_hours,
        {{ array_element('iso_parts', 10) }} as iso_offset_minutes

    from checked

),

dated as (

    -- A2 impossible dates: month 13, Feb 30, year 0000 are not dates (is_date_text);
    -- the time and offset parts are two digits each, so text comparison bounds them.
    select
        *,
        iso_parts is not null
        and {{ is_date_text("iso_year || '-' || iso_month || '-' || iso_day") }}
        and coalesce(iso_hour, '00') <= '23'
        and coalesce(iso_minute, '00') <= '59'
        and coalesce(iso_second, '00') <= '59'
        and coalesce(iso_offset_hours, '00') <= '14'
        and coalesce(iso_offset_minutes, '00') <= '59' as is_iso_date_possible

    from unpacked

),

parsed as (

    -- Casts only behind the checks above: none of them can raise.
    select
        document_key,
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
        case when is_user_id_uuid then {{ uuid_from_text('user_id_text') }} end as user_id,
        case when is_amount_finite then {{ amount_from_text('amount_text') }} end as payment_amount,
        case
            -- ISO-8601: fraction truncated to microseconds; an offset is subtracted (UTC).
            when is_iso_date_possible
                then {{ utc_timestamp_from_parts(
                    "iso_year || '-' || iso_month || '-' || iso_day || ' '
                    || coalesce(iso_hour, '00') || ':' || coalesce(iso_minute, '00')
                    || ':' || coalesce(iso_second, '00')
                    || '.' || left(coalesce(iso_fraction, '0'), 6)",
                    'iso_offset_sign',
                    'iso_offset_hours',
                    'iso_offset_minutes'
                ) }}
            -- Epoch milliseconds, exact: whole seconds plus the remaining milliseconds.
            when is_epoch_ms
                then {{ timestamp_from_epoch_ms('date_epoch_ms_text') }}
        end as paid_at

    from dated

),

classified as (

    -- The first failing check names the reason; NULL means the document is a payment
    -- unless A1 finds an earlier copy of its `_id` (int_payment_first_copies).
    select
        *,
        case
            when document_type != 'object' then 'not_an_object'
            when payment_id is null then 'missing_id'
            when coalesce({{ json_type('user_id_json') }}, 'null') = 'null' then 'missing_user_id'
            when user_id is null then 'invalid_user_id'
            when coalesce({{ json_type('amount_json') }}, 'null') = 'null' then 'missing_amount'
            when amount_text is null then 'amount_wrong_type'
            when payment_amount is null then 'amount_not_numeric'
            when payment_amount <= 0 then 'amount_not_positive'
            when payment_amount > {{ var('payment_amount_max') }} then 'amount_too_large'
            when coalesce({{ json_type('date_json') }}, 'null') = 'null' then 'missing_date'
            when date_iso_text is null and date_epoch_ms_text is null then 'date_wrong_shape'
            when iso_parts is null and not coalesce(is_epoch_ms, false) then 'date_unparseable'
            when paid_at is null then 'date_impossible'
        end as set_aside_reason_code

    from parsed

),

final as (

    select
        document_key,
        loaded_at,
        document,
        payment_id,
        user_id,
        payment_amount,
        paid_at,
        set_aside_reason_code,
        case set_aside_reason_code
            when 'not_an_object' then 'document is a JSON ' || document_type || ', not an object'
            when 'missing_id' then '_id is missing, blank, or not a string or {"$oid": string}'
            when 'missing_user_id' then 'user_id is missing or null'
            when 'invalid_user_id' then 'user_id is not a UUID string'
            when 'missing_amount' then 'payment_amount is missing or null'
            when 'amount_wrong_type'
                then
                    'payment_amount is not a number, a numeric string or {"$numberDecimal", '
                    || '"$numberDouble", "$numberLong" or "$numberInt": string}'
            when 'amount_not_numeric' then 'payment_amount is not a finite number'
            when 'amount_not_positive' then 'payment_amount is not greater than 0'
            when 'amount_too_large'
                then
                    'payment_amount is over ' || {{ var('payment_amount_max') }}
                    || ', the most one payment can be'
            when 'missing_date' then 'transaction_date is missing or null'
            when 'date_wrong_shape'
                then
                    'transaction_date is not a string, {"$date": string} '
                    || 'or {"$date": {"$numberLong": string}}'
            when 'date_unparseable'
                then 'transaction_date is neither strict ISO-8601 nor epoch milliseconds'
            when 'date_impossible'
                then 'transaction_date names an impossible date, time or offset'
        end as set_aside_reason

    from classified

)

select * from final
