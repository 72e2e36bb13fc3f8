-- L13 (with L3, L5, L9): a user has a MEMBERSHIP row iff it has a usable membership, and a
-- USER_CREDIT row iff a usable credit pack; that row's event is the user's first purchase of
-- the type (rank 1). Returns every user and type where this does not hold.
with

first_purchases as (
    -- rank 1 of the users of the marts (a purchase of an unknown user is set aside, L5)
    select
        purchases.user_id,
        purchases.purchase_type,
        purchases.purchase_id
    from {{ ref('int_purchases_ranked') }} as purchases
    inner join {{ ref('fct_client_conversion_events') }} as events
        on purchases.user_id = events.user_id
    where purchases.purchase_rank = 1
),

filter_rows as (
    select
        user_id,
        client_conversion_event_filter as purchase_type,
        client_conversion_event_id as purchase_id,
        client_conversion_event_type,
        lead_status
    from {{ ref('fct_lead_conversions') }}
    where client_conversion_event_filter <> 'ALL'
),

compared as (
    select
        coalesce(first_purchases.user_id, filter_rows.user_id) as user_id,
        coalesce(first_purchases.purchase_type, filter_rows.purchase_type) as purchase_type,
        first_purchases.purchase_id as first_purchase_id,
        filter_rows.purchase_id as filter_row_event_id,
        filter_rows.client_conversion_event_type,
        filter_rows.lead_status
    from first_purchases
    full outer join filter_rows
        on
            first_purchases.user_id = filter_rows.user_id
            and first_purchases.purchase_type = filter_rows.purchase_type
)

select * from compared
where
    first_purchase_id is null
    or filter_row_event_id is null
    or first_purchase_id <> filter_row_event_id
    or client_conversion_event_type <> purchase_type
    or lead_status <> 'CLIENT'
