-- Every fct_credit_pack_purchases row under the names both purchase tables share, tagged
-- USER_CREDIT. Cleaning (L1), the details JSON (L4), de-duplication (L3) and ranking (L9) are
-- written once for both types, in int_purchases_ranked.
with

source as (
    select * from {{ source('glofox', 'fct_credit_pack_purchases') }}
),

final as (
    select
        cast('USER_CREDIT' as {{ dbt.type_string() }}) as purchase_type,
        credit_pack_id as purchase_id,
        user_id,
        branch_id,
        credit_pack_purchased_at as purchased_at,
        created_at,
        credit_pack_purchase_details as purchase_details
    from source
)

select * from final
