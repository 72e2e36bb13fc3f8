-- 1% new rows on the append-only inputs, for the incremental benchmark (issue 6). Many of
-- them arrive late: purchases bought days before the user's first purchase so far (L9, L10
-- change), a new row for an existing purchase id with an earlier time (L3 keeps it), messages
-- and payments on past days of the window (A5-A10 change), and re-deliveries (A1: ignored).
insert into public.fct_membership_purchases
select
    user_id,
    branch_id,
    case when random() < 0.1 then membership_id else 'late-' || membership_id end,
    membership_purchased_at - interval '20 days' * random(),
    created_at - interval '20 days' * random(),
    membership_purchase_details
from public.fct_membership_purchases tablesample bernoulli (1) repeatable (61);

insert into public.fct_credit_pack_purchases
select
    user_id,
    branch_id,
    case when random() < 0.1 then credit_pack_id else 'late-' || credit_pack_id end,
    credit_pack_purchased_at - interval '20 days' * random(),
    created_at - interval '20 days' * random(),
    credit_pack_purchase_details
from public.fct_credit_pack_purchases tablesample bernoulli (1) repeatable (62);

insert into app.messages (id, conversation_id, user_id, created_at)
select
    cast(md5('late-message-' || cast(id as text)) as uuid),
    conversation_id,
    user_id,
    least(created_at + interval '10 days' * random(), timestamp '2026-03-31 23:00:00')
from app.messages tablesample bernoulli (1) repeatable (63);

insert into app.payment_events (document, loaded_at)
select
    case
        when random() < 0.2 then document
        when jsonb_typeof(document) = 'object'
            then jsonb_set(document, '{_id}', to_jsonb('late-' || md5(cast(document as text))))
        else document
    end,
    now()
from app.payment_events tablesample bernoulli (1) repeatable (64);
