-- Every fct_membership_purchases row under the names both purchase tables share, tagged
-- MEMBERSHIP. Cleaning (L1), the details JSON (L4), de-duplication (L3) and ranking (L9) are
-- written once for both types, in int_purchases_ranked.
with

source as (
    select * from {{ source('glofox', 'fct_membership_purchases') }}
),

final as (
    select
        cast('MEMBERSHIP' as {{ dbt.type_string() }}) as purchase_type,
        membership_id as purchase_id,
        user_id,
        branch_id,
        membership_purchased_at as purchased_at,
        created_at,
        membership_purchase_details as purchase_details
    from source
)

select * from final
