-- setup.sql: the brief's database, recreated with sample data written by us.
-- Loaded by `make run` into the embedded server, and by the Docker image's init script
-- (docker-entrypoint-initdb.d) for users with Docker. Each section below is self-contained.

-- >>> section: glofox (lead conversions, docs/rules.md)
--
-- The brief's input tables (docs/rules.md, lead conversions), schema public, with sample
-- data written by us. Deterministic: the bulk rows come from md5 hashes of a row number, the
-- dirty rows are written out by hand. Re-runnable: every table is dropped and recreated.
--
-- Table of contents / data dictionary of the dirty cases (rule ids of docs/rules.md):
--   Users are named by their number: dNN = 'dddddddd-dddd-4ddd-8ddd-0000000000NN' (hand-written
--   dirty cases), eNN = 'eeeeeeee-eeee-4eee-8eee-0000000000NN' (NOT in dim_user, L5),
--   bulk users n = 1..360 have user_id = md5('glofox-user-' || n) shaped as a UUID.
--   Every dim_user.user_id that is not NULL/blank is a UUID once trimmed (app.users reuses them).
--
--   dim_branch (L1, L6; decision D5)
--     b-001..b-024   clean-ish branches; zones with DST (Europe/Dublin, America/New_York,
--                    Europe/Warsaw, Australia/Sydney, Europe/London), half-hour offsets
--                    (Asia/Kolkata, Australia/Adelaide, America/St_Johns) and 45-minute
--                    offsets (Asia/Kathmandu, Pacific/Chatham, Australia/Eucla).
--     Poland: b-003, b-004, b-006 are membership-only gyms; b-005, b-007, b-022, b-024 take
--             both kinds of purchase. (dim_branch has no column for this; see the README.)
--     b-006  timezone_id NULL                  -> country Poland -> Europe/Warsaw (L6 capital)
--     b-007  timezone_id '   ', country ' poland ' -> trimmed, case-insensitive -> Europe/Warsaw
--     b-015  timezone_id 'europe/dublin'       -> valid case-insensitively -> Europe/Dublin
--     b-016  'Mars/Olympus' (invalid)          -> Indonesia -> Asia/Jakarta
--     b-017  'GMT+25' (invalid)                -> China -> Asia/Shanghai
--     b-018  tab only                          -> France -> Europe/Paris
--     b-019  ''                                -> Peru -> America/Lima
--     b-020  NULL zone, country 'Atlantis' (unknown), blank name/email -> UTC (default)
--     b-021  'Not/AZone', country NULL         -> UTC (default)
--     b-022  'Poland' (a legacy zone name pg_timezone_names knows) -> zone 'Poland'
--     b-023  ' Europe/London ' padded          -> trimmed -> Europe/London
--     b-024  two rows, both created_at NULL, zones 'Europe/Warsaw' / 'Europe/Berlin'
--            -> D5 tie-break on timezone_id (C order) keeps 'Europe/Berlin'
--     duplicates (L6): exact copy of b-001; ' b-014 ' (padded id, later created_at, zone UTC)
--            loses to b-014 (Sydney); b-009 copy with created_at NULL loses (NULLS LAST)
--     NULL and '   ' branch_id rows -> audited (L6)
--     b-kilobytes  name and country of ~3 KB that do not compress (hex of md5s), zone UTC:
--            kept as given (L1) in every mart, and the lead page's branch and country
--            labels of its user d69 (no index refuses them, D19)
--     b-025  'Pacific/Kiritimati' (UTC+14) and b-026 'Etc/GMT+12' (UTC-12): local times past
--            year 9999 and before year 1 (d75, d76)
--
--   dim_user (L1, L2, L7, L8; decisions D2, D6, D7)
--     NULL user_id x2, '   ' and tab user_id   -> audited (L2)
--     d01  exact duplicate row                 -> one kept, one audited (L2)
--     d02  3 rows: b-001 2025-11-10, b-002 2025-11-05, b-003 NULL -> keeps b-002 (earliest)
--     d03  same created_at, b-005 and b-003    -> keeps b-003 (smallest branch_id)
--     d04  same created_at, NULL and b-004     -> keeps b-004 (NULL branch last)
--     d05  '  d05  ' (padded, 2025-10-20, b-001) and 'd05' (2025-10-25, b-002) -> one user
--          after trimming, keeps b-001; its purchase uses ' d05' (padded too)
--     d06  UPPERCASE user_id: case is kept; its membership uses the uppercase id (kept), its
--          credit pack the lowercase id (a different, unknown user -> L5)
--     d07  branch NULL, membership at b-009    -> branch b-009 (L7, from the event)
--     d08  branch NULL, credit pack at b-011 first, membership at b-003 later -> b-011
--     d09  branch NULL, no purchase (LEAD)     -> branch NULL, zone UTC
--     d10  branch NULL, event (membership) has branch NULL, later credit pack at b-001
--          -> branch NULL, UTC (L7 uses the event's branch only)
--     d11  branch 'b-999' not in dim_branch   -> kept as b-999, zone UTC (L7)
--     d12  branch '  b-014 ' padded; Sydney DST start: created 01:59:59 AEST, bought 03:00 AEDT
--     d13  branch '   ' blank -> NULL -> branch of its credit pack, b-008 (L7)
--     d14  name '' and email tab               -> NULL (L1), LEAD
--     d15  created_at NULL (local_user_created_at NULL), has a credit pack
--     d16  created 1900-01-01 (implausible, kept and flagged, L8)
--     d17  created 2099-12-31 (future, flagged, L8); its credit pack is before its creation
--     d18  membership 2025-09-01 before the user's creation 2025-12-01 (kept)
--     d34  Warsaw DST gap: created 2026-03-29 00:59:59 UTC (01:59:59 CET), membership
--          01:00:00 UTC (03:00:00 CEST), b-003
--     d35  Dublin DST overlap: created 00:30 UTC and membership 01:30 UTC on 2025-10-26,
--          both 01:30 local, b-001
--     d36  New York DST overlap: created 05:30 UTC, credit pack 06:30 UTC on 2025-11-02,
--          both 01:30 local, b-002
--     d37  St John's DST start: created 05:29:59 UTC (01:59:59 NST), membership 05:30 UTC
--          (03:00 NDT) on 2026-03-08, b-010
--     d38  Kathmandu +05:45: created 2025-12-31 18:15 UTC = 2026-01-01 00:00 local; its
--          membership at 18:14:59 UTC = 2025-12-31 23:59:59 local, b-011
--     d39  Chatham DST end: created 2026-04-04 13:59:59 UTC (03:44:59 +13:45), credit pack
--          14:00 UTC (02:45 +12:45: local purchase before local signup), b-012
--     d57  'europe/dublin' branch b-015 at DST start 2026-03-29 (00:59:59 GMT, 02:00 IST)
--     d58  branch b-016 (invalid zone -> Asia/Jakarta); d59 branch b-020 (-> UTC)
--     d60  user at b-001, membership bought at b-002: the user's branch stays b-001 (D6)
--     d63  membership at the very instant of signup
--     d65  branch NULL; its membership's branch is '  b-008 ' (padded) -> b-008
--     d66  two rows equal but for the name: 'Zed Tie-Name' kept ('Z' < 'z' in C order, D2)
--
--   fct_membership_purchases / fct_credit_pack_purchases (L3, L4, L5, L9, L10; D3, D4, D8, D9)
--     d19  m-d19-a / m-d19-b same purchased_at, created_at 10:05 / 10:01 -> m-d19-b (L9)
--     d20  m-d20-a / m-d20-B same times -> m-d20-B ('B' < 'a' in COLLATE "C", not in en_US)
--     d21  cp-d21-a (created_at NULL) / cp-d21-b same purchased_at -> cp-d21-b (NULL last)
--     d22  m-d22 and cp-d22 at the same instant -> event MEMBERSHIP (L10)
--     d23  m-d23 purchased_at NULL, created_at = cp-d23's purchased_at -> tie -> MEMBERSHIP
--     d24  cp-d24 one day before m-d24 -> event USER_CREDIT, both first_* filled;
--          also a credit pack with NULL credit_pack_id (L3)
--     d25  only credit packs (cp-d25-1, and cp-d25-2 with purchased_at NULL -> created_at)
--     d26  m-d26 with purchased_at and created_at NULL (not usable, L3), cp with blank id
--          '   ' (L3) -> LEAD
--     d27  m-d27-a purchased_at NULL created 2026-01-01 (time = created_at, L3) beats
--          m-d27-b purchased 2026-01-05 created 2025-12-20 (time is purchased_at, not created)
--     d28  m-d28 exact duplicate rows -> one audited (L3)
--     d29  m-d29 three rows: 2026-01-10 (b-001), 2026-01-05 (b-002) kept, and one with both
--          times NULL (not usable before the dedupe)
--     d30/d31  m-d30 twice with identical times, user_id d31 and d30 -> d30's row kept
--          (user_id C order); d31 is then a LEAD
--     d32  'p-d32' is both a membership id and a credit pack id: separate id spaces, both
--          kept; the credit pack (2026-01-31) is first -> event USER_CREDIT id 'p-d32'
--     d33  '  m-d33 ' (padded, earlier) and 'm-d33' -> one purchase m-d33 after trimming
--     d40..d56 one purchase each with odd details JSON (L4, D4):
--          d40 NULL, d41 {}, d42 JSON null, d43 array, d44 string, d45 nested object/array
--          values, d46 number document, d47 boolean document, d48 number/boolean values
--          ('12', 'true'), d49 '1.50' / '1e2' kept as written, d50 '-0' / 'false',
--          d51 duplicate keys (last wins: 'B'), d52 '  Padded  ' / tab (-> 'Padded', NULL),
--          d53 '' / '   ' (-> NULL), d54 name null / 'MOBILE_APP', d55 "\u0000" in the name
--          (-> name NULL, source 'WEBSITE', no error), d56 'NAME' / 'Source' keys
--          (case-sensitive -> NULL); d40..d49 are memberships, d50..d56 credit packs
--     d67  m-d67 name "C:\\u0000 Studio" (escaped backslash: text 'C:\u0000 Studio'), source
--          "\ud800" (unpaired surrogate -> NULL)
--     d68  cp-d68 name with a surrogate pair "\ud83d\udcaa" -> 'Power Hour' + emoji
--     d69  at b-kilobytes; m-d69's source is ~3 KB of hex that does not compress -> kept
--          (L1, L10): the lead page's labels of d69 are all kilobytes long
--     d70  branch_id of ~3 KB (hex) not in dim_branch -> kept, zone UTC (L7, flagged), LEAD:
--          the lead page labels its branch by that id
--     d71  created_at 'infinity' (kept; flagged: created in the future, L8): m-d71 on
--          2026-02-01 is its event (flagged: before the user's creation); cp-d71 bought at
--          'infinity' is its first credit pack; local times 'infinity' stay 'infinity'
--     d72  created_at '-infinity' (flagged: before 2000): cp-d72 bought at '-infinity' is its
--          event (USER_CREDIT, flagged), m-d72 bought at 'infinity' its first membership
--     d73  created 0001-01-01 00:00:00 at b-020 (UTC) and m-d73 bought at that instant
--          (flagged before 2000; the same local time: year 1 stays year 1)
--     d74  created 9999-12-31 23:59:59 at b-021 (UTC; flagged future), cp-d74 bought then
--     d75  created 9999-12-31 23:00:00 UTC at b-025 (+14): local 10000-01-01 13:00:00, past
--          year 9999 (kept, D24); m-d75 bought 23:30 UTC is its event, local 10000-01-01 13:30
--     d76  created 0001-01-01 00:30:00 UTC at b-026 (-12): local 0001-12-31 12:30:00 BC (year
--          0, before year 1); cp-d76 bought 11:00 UTC is its event, local 0001-12-31 23:00 BC
--     d69..d76 have ids that are not UUIDs, so the app section does not make them app users
--          (adding users there would change its random draws and every activity figure)
--     m-n01, m-n02, cp-n01, cp-n02: purchases with a NULL / blank / tab user_id -> not usable (L3)
--     d62  fractional seconds kept (2026-01-10 10:00:00.123456)
--     d64  m-d64 bought 2026-01-10 (created 01-20), cp-d64 bought 01-12 (created 01-01)
--          -> MEMBERSHIP: the effective times are compared, not created_at
--     e01  m-e01 twice (exact duplicate: one L3 duplicate, one L5), e02 cp-e02, e03 both
--          (users not in dim_user -> L5); d06's lowercase credit pack is also L5
--     a user id, branch id and purchase ids of ~3 KB that do not compress (hex of md5s), not
--          in dim_user -> L5: a membership bought 9999-12-31 12:00 whose name and source
--          hold control characters (\u0007, \u001b, \u0001), a credit pack bought 0001-01-02;
--          audited like any other row
--     NULL membership_id (user d24) / '' membership_id (user d25) -> not usable (L3)
--
--   fct_client_conversion_events_part_2: the brief's fallback input for Part 2, filled with
--     what Part 1 gives for bulk users 1..40 (clean rows only).
--   fct_client_conversion_events / fct_lead_conversions: the container's pre-created output
--     tables, empty and deliberately with OTHER columns than the marts (L15): solution.sql
--     must replace them.

-- The NOTICEs of "drop ... if exists" on a fresh database are noise: hidden in this section.
set client_min_messages = warning;

-- CASCADE: on a reload the dbt staging views built on these tables are dropped too; the
-- next `dbt build` recreates them.
drop table if exists public.dim_branch cascade;
drop table if exists public.dim_user cascade;
drop table if exists public.fct_membership_purchases cascade;
drop table if exists public.fct_credit_pack_purchases cascade;
drop table if exists public.fct_client_conversion_events_part_2 cascade;
drop table if exists public.fct_client_conversion_events cascade;
drop table if exists public.fct_lead_conversions cascade;

-- ---------------------------------------------------------------------------------------
-- dim_branch (brief figure 1.5.1)
-- ---------------------------------------------------------------------------------------
create table public.dim_branch (
    branch_id varchar,
    name varchar,
    email varchar,
    city varchar,
    country varchar,
    timezone_id varchar,
    created_at timestamp
);

insert into public.dim_branch
    (branch_id, name, email, city, country, timezone_id, created_at)
values
    -- clean branches, zones with DST
    ('b-001', 'Docklands Fitness', 'docklands@example.ie', 'Dublin', 'Ireland', 'Europe/Dublin', '2019-03-04 09:00:00'),
    ('b-002', 'Brooklyn Iron Works', 'hello@brooklyniron.example.com', 'New York', 'United States', 'America/New_York', '2018-06-11 14:30:00'),
    -- Poland: b-003 and b-004 are membership-only gyms
    ('b-003', 'Strefa Mokotów', 'mokotow@strefa.example.pl', 'Warszawa', 'Poland', 'Europe/Warsaw', '2020-01-15 08:00:00'),
    ('b-004', 'Kazimierz Fitness Klub', 'biuro@kazimierz.example.pl', 'Kraków', 'Poland', 'Europe/Warsaw', '2021-05-20 10:00:00'),
    ('b-005', 'Oliwa Studio', 'studio@oliwa.example.pl', 'Gdańsk', 'Poland', 'Europe/Warsaw', '2022-02-01 07:00:00'),
    -- L6: NULL timezone_id -> capital of Poland (b-006 is membership-only)
    ('b-006', 'Rynek Gym', 'rynek@example.pl', 'Wrocław', 'Poland', null, '2022-09-09 09:09:09'),
    -- L1 + L6: blank timezone_id, country padded and lowercase -> Poland -> Europe/Warsaw
    ('b-007', 'Stary Browar Active', 'browar@example.pl', 'Poznań', ' poland ', '   ', '2023-03-03 12:00:00'),
    -- half-hour offsets
    ('b-008', 'Bandra Fitness', 'bandra@example.in', 'Mumbai', 'India', 'Asia/Kolkata', '2021-11-01 04:30:00'),
    ('b-009', 'Adelaide Hills Yoga', 'namaste@ahy.example.com.au', 'Adelaide', 'Australia', 'Australia/Adelaide', '2020-07-01 00:00:00'),
    ('b-010', 'Signal Hill CrossFit', 'wod@signalhill.example.ca', 'St. John''s', 'Canada', 'America/St_Johns', '2019-10-10 13:00:00'),
    -- 45-minute offsets
    ('b-011', 'Thamel Strength', 'thamel@example.np', 'Kathmandu', 'Nepal', 'Asia/Kathmandu', '2022-04-14 06:15:00'),
    ('b-012', 'Chatham Islands Fitness', 'fit@chatham.example.nz', 'Waitangi', 'New Zealand', 'Pacific/Chatham', '2023-01-01 00:00:00'),
    ('b-013', 'Eucla Roadhouse Gym', 'gym@eucla.example.com.au', 'Eucla', 'Australia', 'Australia/Eucla', '2023-06-30 02:00:00'),
    ('b-014', 'Bondi Beach Boxing', 'bondi@example.com.au', 'Sydney', 'Australia', 'Australia/Sydney', '2018-01-20 22:00:00'),
    -- L6: zone name in the wrong case is still a zone (case-insensitive match)
    ('b-015', 'Cork City Pilates', 'pilates@cork.example.ie', 'Cork', 'Ireland', 'europe/dublin', '2021-08-08 08:08:08'),
    -- L6: invalid zones -> capital of the country (seed country_capital_timezones)
    ('b-016', 'Jakarta Selatan Fitness', 'jaksel@example.co.id', 'Jakarta', 'Indonesia', 'Mars/Olympus', '2022-12-12 03:00:00'),
    ('b-017', 'Pudong Power Studio', 'pudong@example.cn', 'Shanghai', 'China', 'GMT+25', '2023-02-02 02:00:00'),
    ('b-018', 'Le Marais Barre', 'bonjour@marais.example.fr', 'Paris', 'France', e'\t', '2020-02-29 10:00:00'),
    ('b-019', 'Miraflores Box', 'box@miraflores.example.pe', 'Lima', 'Peru', '', '2021-01-01 15:00:00'),
    -- L6: no usable zone and an unknown country -> UTC; L1: blank name and email -> NULL
    ('b-020', '', '  ', 'Atlantis', 'Atlantis', null, '2024-04-01 00:00:00'),
    -- L6: invalid zone and no country -> UTC
    ('b-021', 'Pop-up Studio', 'popup@example.com', null, null, 'Not/AZone', '2024-07-07 07:07:07'),
    -- L6: 'Poland' is a (legacy) zone name pg_timezone_names knows: used as is
    ('b-022', 'Manufaktura Club', 'club@manufaktura.example.pl', 'Łódź', 'Poland', 'Poland', '2023-09-01 06:00:00'),
    -- L1: padded zone -> Europe/London
    ('b-023', 'Brighton Seafront Gym', 'sea@brighton.example.co.uk', 'Brighton', 'United Kingdom', ' Europe/London ', '2019-05-05 05:05:05'),
    -- D5: same branch twice, both created_at NULL -> tie broken by timezone_id (C order):
    -- 'Europe/Berlin' < 'Europe/Warsaw', so the Berlin row is kept (same offset as Warsaw)
    ('b-024', 'Wola Training Hall', 'wola@example.pl', 'Warszawa', 'Poland', 'Europe/Warsaw', null),
    ('b-024', 'Wola Training Hall', 'wola@example.pl', 'Warszawa', 'Poland', 'Europe/Berlin', null),
    -- L6 duplicates: an exact copy of b-001
    ('b-001', 'Docklands Fitness', 'docklands@example.ie', 'Dublin', 'Ireland', 'Europe/Dublin', '2019-03-04 09:00:00'),
    -- L1 + L6: padded copy of b-014, created later, zone UTC -> loses to the Sydney row
    (' b-014 ', 'Bondi Beach Boxing (migrated)', 'bondi@example.com.au', 'Sydney', 'Australia', 'UTC', '2024-01-01 00:00:00'),
    -- L6: copy of b-009 with created_at NULL and another zone -> loses (NULLS LAST)
    ('b-009', 'Adelaide Hills Yoga', 'namaste@ahy.example.com.au', 'Adelaide', 'Australia', 'Australia/Perth', null),
    -- L6: rows without a branch_id -> audited
    (null, 'Ghost Gym', 'ghost@example.com', 'Nowhere', 'Ireland', 'Europe/Dublin', '2020-01-01 00:00:00'),
    ('   ', 'Blank Id Gym', null, 'Dublin', 'Ireland', 'Europe/Dublin', '2020-01-02 00:00:00'),
    -- L1, D19: a name and a country of ~3 KB that do not compress, kept as given
    ('b-kilobytes', (select string_agg(md5('setup-long-branch-name-' || n), '') from generate_series(1, 94) as n), null, null, (select string_agg(md5('setup-long-country-' || n), '') from generate_series(1, 94) as n), 'UTC', '2024-02-02 00:00:00'),
    -- L8, D24: the zones furthest from UTC (+14, -12): local times past year 9999 and before year 1
    ('b-025', 'Line Islands Fitness', 'fit@kiritimati.example.ki', 'Kiritimati', 'Kiribati', 'Pacific/Kiritimati', '2024-03-03 03:00:00'),
    ('b-026', 'Date Line Gym', 'gym@baker.example.com', 'Baker Island', null, 'Etc/GMT+12', '2024-03-04 03:00:00');

-- Helper for the generated rows (temporary, dropped at the end of this section): each
-- sample branch with the zone L6 resolves it to, its kind, and two slot numbers used to
-- spread the generated users over the branches.
drop table if exists pg_temp.setup_glofox_branches;
drop table if exists pg_temp.setup_glofox_users;

create temporary table setup_glofox_branches (
    branch_id varchar,
    zone varchar,
    is_membership_only boolean,
    slot integer,
    polish_slot integer
);

insert into setup_glofox_branches values
    ('b-001', 'Europe/Dublin', false, 0, null),
    ('b-002', 'America/New_York', false, 1, null),
    ('b-003', 'Europe/Warsaw', true, 2, 0),
    ('b-004', 'Europe/Warsaw', true, 3, 1),
    ('b-005', 'Europe/Warsaw', false, 4, 2),
    ('b-006', 'Europe/Warsaw', true, 5, 3),
    ('b-007', 'Europe/Warsaw', false, 6, 4),
    ('b-008', 'Asia/Kolkata', false, 7, null),
    ('b-009', 'Australia/Adelaide', false, 8, null),
    ('b-010', 'America/St_Johns', false, 9, null),
    ('b-011', 'Asia/Kathmandu', false, 10, null),
    ('b-012', 'Pacific/Chatham', false, 11, null),
    ('b-013', 'Australia/Eucla', false, 12, null),
    ('b-014', 'Australia/Sydney', false, 13, null),
    ('b-015', 'Europe/Dublin', false, 14, null),
    ('b-016', 'Asia/Jakarta', false, 15, null),
    ('b-017', 'Asia/Shanghai', false, 16, null),
    ('b-018', 'Europe/Paris', false, 17, null),
    ('b-019', 'America/Lima', false, 18, null),
    ('b-020', 'UTC', false, 19, null),
    ('b-021', 'UTC', false, 20, null),
    ('b-022', 'Poland', false, 21, 5),
    ('b-023', 'Europe/London', false, 22, null),
    ('b-024', 'Europe/Berlin', false, 23, 6);

-- ---------------------------------------------------------------------------------------
-- Generated users (temporary): 300 users created 2025-10-01 .. 2026-03-31 over all 24
-- branches, and 60 users created in March 2026 in the 7 Polish branches (the dashboard's
-- "30-day conversion for membership-only gyms in Poland for March signups").
-- h1..h8 are 28-bit numbers cut from two md5 hashes of the row number: deterministic.
-- profile: 25% none (LEAD), 35% membership, 20% credit pack, 20% both; in membership-only
-- gyms a credit-pack profile becomes membership, and most "both" do too.
-- ---------------------------------------------------------------------------------------
create temporary table setup_glofox_users as
with numbers as (
    select
        n,
        md5('glofox-user-' || n) as user_hash,
        md5('glofox-purchase-' || n) as purchase_hash
    from generate_series(1, 360) as n
),

hashed as (
    select
        n,
        cast(cast(user_hash as uuid) as varchar) as user_id,
        cast(cast('x' || substr(user_hash, 1, 7) as bit(28)) as integer) as h1,
        cast(cast('x' || substr(user_hash, 8, 7) as bit(28)) as integer) as h2,
        cast(cast('x' || substr(user_hash, 15, 7) as bit(28)) as integer) as h3,
        cast(cast('x' || substr(user_hash, 22, 7) as bit(28)) as integer) as h4,
        cast(cast('x' || substr(purchase_hash, 1, 7) as bit(28)) as integer) as h5,
        cast(cast('x' || substr(purchase_hash, 8, 7) as bit(28)) as integer) as h6,
        cast(cast('x' || substr(purchase_hash, 15, 7) as bit(28)) as integer) as h7,
        cast(cast('x' || substr(purchase_hash, 22, 7) as bit(28)) as integer) as h8
    from numbers
)

select
    hashed.*,
    branches.branch_id,
    branches.zone,
    branches.is_membership_only,
    case
        when hashed.n <= 300
            then timestamp '2025-10-01 00:00:00' + make_interval(secs => hashed.h1 % (182 * 86400))
        else timestamp '2026-03-01 00:00:00' + make_interval(secs => hashed.h1 % (31 * 86400))
    end as created_at,
    case
        when hashed.h2 % 20 < 5 then 'none'
        when hashed.h2 % 20 < 12 then 'membership'
        when hashed.h2 % 20 < 16 and branches.is_membership_only then 'membership'
        when hashed.h2 % 20 < 16 then 'credit_pack'
        when hashed.h2 % 20 < 19 and branches.is_membership_only then 'membership'
        else 'both'
    end as profile
from hashed
inner join setup_glofox_branches as branches
    on
        (hashed.n <= 300 and branches.slot = hashed.h8 % 24)
        or (hashed.n > 300 and branches.polish_slot = hashed.h8 % 7);

-- ---------------------------------------------------------------------------------------
-- dim_user (brief figure 1.5.2)
-- ---------------------------------------------------------------------------------------
create table public.dim_user (
    user_id varchar,
    branch_id varchar,
    name varchar,
    email varchar,
    created_at timestamp
);

-- the generated users: clean rows
insert into public.dim_user (user_id, branch_id, name, email, created_at)
select
    user_id,
    branch_id,
    (array['Aoife', 'Bartek', 'Chloé', 'Dev', 'Ewa', 'Finn', 'Grace', 'Hiro', 'Ines', 'Jakub'])[1 + h3 % 10]
    || ' '
    || (array['Murphy', 'Nowak', 'Singh', 'Smith', 'Kowalska', 'Tanaka', 'García', 'Byrne'])[1 + h4 % 8]
    as name,
    'member' || n || '@example.com' as email,
    created_at
from setup_glofox_users
order by n;

-- the dirty users (see the table of contents above for what each one exercises)
insert into public.dim_user (user_id, branch_id, name, email, created_at)
values
    -- L2: no user_id (NULL, blank, tab) -> audited
    (null, 'b-001', 'No Id Person', 'noid@example.com', '2025-11-01 10:00:00'),
    (null, null, null, null, null),
    ('   ', 'b-002', 'Blank Id Person', 'blankid@example.com', '2025-11-02 10:00:00'),
    (e'\t', 'b-002', 'Tab Id Person', 'tabid@example.com', '2025-11-03 10:00:00'),
    -- L2: d01 exact duplicate
    ('dddddddd-dddd-4ddd-8ddd-000000000001', 'b-001', 'Aoife Exact-Dup', 'd01@example.com', '2025-10-15 08:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000001', 'b-001', 'Aoife Exact-Dup', 'd01@example.com', '2025-10-15 08:00:00'),
    -- L2: d02 three rows, the earliest created_at (b-002) wins, NULL created_at last
    ('dddddddd-dddd-4ddd-8ddd-000000000002', 'b-001', 'Ben Branch-Dup', 'd02@example.com', '2025-11-10 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000002', 'b-002', 'Ben Branch-Dup', 'd02@example.com', '2025-11-05 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000002', 'b-003', 'Ben Branch-Dup', 'd02@example.com', null),
    -- L2: d03 same created_at -> smallest branch_id (b-003)
    ('dddddddd-dddd-4ddd-8ddd-000000000003', 'b-005', 'Celina Tie', 'd03@example.com', '2025-12-01 12:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000003', 'b-003', 'Celina Tie', 'd03@example.com', '2025-12-01 12:00:00'),
    -- L2: d04 same created_at, NULL branch last -> b-004
    ('dddddddd-dddd-4ddd-8ddd-000000000004', null, 'Dawid Null-Branch', 'd04@example.com', '2025-12-02 12:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000004', 'b-004', 'Dawid Null-Branch', 'd04@example.com', '2025-12-02 12:00:00'),
    -- L1 + L2: d05 padded id and clean id are one user after trimming; padded row is earlier
    ('  dddddddd-dddd-4ddd-8ddd-000000000005  ', 'b-001', 'Eimear Padded', 'd05@example.com', '2025-10-20 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000005', 'b-002', 'Eimear Padded', 'd05@example.com', '2025-10-25 10:00:00'),
    -- L1: d06 uppercase id, case kept
    ('DDDDDDDD-DDDD-4DDD-8DDD-000000000006', 'b-002', 'Frank Upper', 'd06@example.com', '2025-11-06 11:00:00'),
    -- L7: NULL branch -> branch of the conversion event (d07, d08, d10, d65) or none (d09)
    ('dddddddd-dddd-4ddd-8ddd-000000000007', null, 'Gosia No-Branch', 'd07@example.com', '2025-11-07 07:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000008', null, 'Hari No-Branch', 'd08@example.com', '2025-12-20 08:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000009', null, 'Ida No-Branch Lead', 'd09@example.com', '2026-01-09 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000010', null, 'Jan No-Branch Event', 'd10@example.com', '2026-01-10 10:00:00'),
    -- L7: d11 branch not in dim_branch -> UTC
    ('dddddddd-dddd-4ddd-8ddd-000000000011', 'b-999', 'Kasia Unknown-Branch', 'd11@example.com', '2026-01-11 11:00:00'),
    -- L1 + L8: d12 padded branch id; created 1 s before Sydney's DST start (01:59:59 AEST)
    ('dddddddd-dddd-4ddd-8ddd-000000000012', '  b-014 ', 'Liam Padded-Branch', 'd12@example.com', '2025-10-04 15:59:59'),
    -- L1 + L7: d13 blank branch -> NULL -> branch of the event
    ('dddddddd-dddd-4ddd-8ddd-000000000013', '   ', 'Maya Blank-Branch', 'd13@example.com', '2026-01-13 13:00:00'),
    -- L1: d14 blank name and email
    ('dddddddd-dddd-4ddd-8ddd-000000000014', 'b-010', '', e'\t', '2026-01-14 14:00:00'),
    -- d15 created_at NULL
    ('dddddddd-dddd-4ddd-8ddd-000000000015', 'b-002', 'Niamh No-Created', 'd15@example.com', null),
    -- L8: implausible creation dates, kept and flagged
    ('dddddddd-dddd-4ddd-8ddd-000000000016', 'b-001', 'Oskar Nineteen-Hundred', 'd16@example.com', '1900-01-01 00:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000017', 'b-005', 'Piotr Future', 'd17@example.com', '2099-12-31 23:59:59'),
    -- d18 bought before being created
    ('dddddddd-dddd-4ddd-8ddd-000000000018', 'b-005', 'Roisin Early-Buyer', 'd18@example.com', '2025-12-01 00:00:00'),
    -- L9 / L10 / L3 purchase cases (their purchases are below)
    ('dddddddd-dddd-4ddd-8ddd-000000000019', 'b-001', 'Sean Tie-Created', 'd19@example.com', '2026-01-02 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000020', 'b-003', 'Tomasz Tie-Id', 'd20@example.com', '2026-01-02 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000021', 'b-014', 'Una Tie-Null-Created', 'd21@example.com', '2026-01-02 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000022', 'b-008', 'Vikram Cross-Tie', 'd22@example.com', '2026-02-01 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000023', 'b-009', 'Wiktoria Cross-Tie-Fallback', 'd23@example.com', '2026-02-01 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000024', 'b-010', 'Xavier Credit-First', 'd24@example.com', '2025-12-24 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000025', 'b-011', 'Yasmin Credit-Only', 'd25@example.com', '2025-12-25 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000026', 'b-012', 'Zofia Unusable-Only', 'd26@example.com', '2025-12-26 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000027', 'b-013', 'Adam Created-Fallback', 'd27@example.com', '2025-12-27 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000028', 'b-015', 'Brid Dup-Purchase', 'd28@example.com', '2025-12-28 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000029', 'b-016', 'Cyprian Dup-Times', 'd29@example.com', '2025-12-29 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000030', 'b-017', 'Dara Shared-Id', 'd30@example.com', '2025-12-30 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000031', 'b-018', 'Edyta Shared-Id-Loser', 'd31@example.com', '2025-12-31 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000032', 'b-019', 'Fionn Same-Id-Both-Types', 'd32@example.com', '2026-01-01 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000033', 'b-020', 'Grazyna Padded-Purchase-Id', 'd33@example.com', '2026-01-03 09:00:00'),
    -- L8: DST gaps and overlaps, 45-minute zones, a year boundary
    ('dddddddd-dddd-4ddd-8ddd-000000000034', 'b-003', 'Halina Warsaw-Gap', 'd34@example.com', '2026-03-29 00:59:59'),
    ('dddddddd-dddd-4ddd-8ddd-000000000035', 'b-001', 'Ciara Dublin-Overlap', 'd35@example.com', '2025-10-26 00:30:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000036', 'b-002', 'Jamal NY-Overlap', 'd36@example.com', '2025-11-02 05:30:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000037', 'b-010', 'Kevin StJohns-Gap', 'd37@example.com', '2026-03-08 05:29:59'),
    ('dddddddd-dddd-4ddd-8ddd-000000000038', 'b-011', 'Laxmi Kathmandu-New-Year', 'd38@example.com', '2025-12-31 18:15:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000039', 'b-012', 'Mere Chatham-Overlap', 'd39@example.com', '2026-04-04 13:59:59'),
    -- L4: details JSON cases (one purchase each, below)
    ('dddddddd-dddd-4ddd-8ddd-000000000040', 'b-001', 'Json Null', 'd40@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000041', 'b-002', 'Json Empty-Object', 'd41@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000042', 'b-003', 'Json Null-Literal', 'd42@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000043', 'b-004', 'Json Array', 'd43@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000044', 'b-005', 'Json String', 'd44@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000045', 'b-006', 'Json Nested', 'd45@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000046', 'b-007', 'Json Number-Doc', 'd46@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000047', 'b-008', 'Json Boolean-Doc', 'd47@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000048', 'b-009', 'Json Scalar-Values', 'd48@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000049', 'b-010', 'Json Number-Text', 'd49@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000050', 'b-011', 'Json Minus-Zero', 'd50@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000051', 'b-012', 'Json Duplicate-Keys', 'd51@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000052', 'b-013', 'Json Padded', 'd52@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000053', 'b-014', 'Json Blank', 'd53@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000054', 'b-015', 'Json Null-Value', 'd54@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000055', 'b-016', 'Json Nul-Escape', 'd55@example.com', '2026-02-10 10:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000056', 'b-017', 'Json Key-Case', 'd56@example.com', '2026-02-10 10:00:00'),
    -- L6 / L8: zones resolved by case, by capital, by default
    ('dddddddd-dddd-4ddd-8ddd-000000000057', 'b-015', 'Nora Cork-DST', 'd57@example.com', '2026-03-29 00:59:59'),
    ('dddddddd-dddd-4ddd-8ddd-000000000058', 'b-016', 'Putri Jakarta', 'd58@example.com', '2026-03-15 03:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000059', 'b-020', 'Atlas Atlantis', 'd59@example.com', '2026-03-15 03:00:00'),
    -- D6: the user's own branch wins over the purchase's branch
    ('dddddddd-dddd-4ddd-8ddd-000000000060', 'b-001', 'Quinn Other-Branch-Purchase', 'd60@example.com', '2026-01-20 12:00:00'),
    -- d62 fractional seconds; d63 buys at the instant of signup; d64 effective times compared
    ('dddddddd-dddd-4ddd-8ddd-000000000062', 'b-023', 'Ruth Microseconds', 'd62@example.com', '2026-01-10 09:00:00.654321'),
    ('dddddddd-dddd-4ddd-8ddd-000000000063', 'b-022', 'Stanisław Instant', 'd63@example.com', '2026-03-10 17:45:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000064', 'b-024', 'Tadhg Created-Order', 'd64@example.com', '2026-01-01 08:00:00'),
    -- L7: NULL branch, event purchase has a padded branch id
    ('dddddddd-dddd-4ddd-8ddd-000000000065', null, 'Ula Padded-Event-Branch', 'd65@example.com', '2026-02-15 15:00:00'),
    -- D2: duplicates equal up to the name -> smallest name in C order ('Zed' < 'zed'), LEAD
    ('dddddddd-dddd-4ddd-8ddd-000000000066', 'b-023', 'zed Tie-Name', 'd66@example.com', '2026-03-20 20:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000066', 'b-023', 'Zed Tie-Name', 'd66@example.com', '2026-03-20 20:00:00'),
    -- L4 / D4: JSON escapes (purchases below)
    ('dddddddd-dddd-4ddd-8ddd-000000000067', 'b-022', 'Json Escaped-Backslash', 'd67@example.com', '2026-03-21 09:00:00'),
    ('dddddddd-dddd-4ddd-8ddd-000000000068', 'b-005', 'Json Surrogate-Pair', 'd68@example.com', '2026-03-21 09:00:00'),
    -- L1, D19: labels of kilobytes: d69's branch name, country and source; d70's branch id
    ('d69-kilobyte-labels', 'b-kilobytes', 'Kilobyte Labels', 'd69@example.com', '2026-02-10 10:00:00'),
    ('d70-kilobyte-branch-id', (select string_agg(md5('setup-long-unknown-branch-' || n), '') from generate_series(1, 94) as n), 'Kilobyte Branch Id', 'd70@example.com', '2026-02-11 10:00:00'),
    -- L8, D16: infinite creation times and the ends of the timestamp range, kept and flagged
    ('d71-infinite-signup', 'b-001', 'Infinite Signup', 'd71@example.com', 'infinity'),
    ('d72-minus-infinite-signup', 'b-002', 'Minus Infinite Signup', 'd72@example.com', '-infinity'),
    ('d73-year-one', 'b-020', 'Year One', 'd73@example.com', '0001-01-01 00:00:00'),
    ('d74-year-9999', 'b-021', 'Year 9999', 'd74@example.com', '9999-12-31 23:59:59'),
    -- L8, D24: local times past year 9999 (+14) and before year 1 (-12), kept
    ('d75-local-year-10000', 'b-025', 'Local Year Ten Thousand', 'd75@example.com', '9999-12-31 23:00:00'),
    ('d76-local-year-zero', 'b-026', 'Local Year Zero', 'd76@example.com', '0001-01-01 00:30:00');

-- ---------------------------------------------------------------------------------------
-- fct_membership_purchases (brief figure 1.5.5, with the container's real column names)
-- ---------------------------------------------------------------------------------------
create table public.fct_membership_purchases (
    user_id varchar,
    branch_id varchar,
    membership_id varchar,
    membership_purchased_at timestamp,
    created_at timestamp,
    membership_purchase_details json
);

-- generated: a first membership within 45 days of signup, and for a third of them a second
-- one within 90 days (which can come before the first); the record is created 0-10 minutes
-- after the purchase
insert into public.fct_membership_purchases
    (user_id, branch_id, membership_id, membership_purchased_at, created_at, membership_purchase_details)
select
    users.user_id,
    users.branch_id,
    'm-' || lpad(cast(users.n as varchar), 4, '0') || '-' || purchases.k as membership_id,
    purchases.purchased_at,
    purchases.purchased_at + make_interval(secs => users.h6 % 600) as created_at,
    json_build_object(
        'name', (array['Monthly Unlimited', 'Annual Premium', 'Off-Peak', 'Student Monthly'])[1 + (users.h5 + purchases.k) % 4],
        'source', (array['WEBSITE', 'MOBILE_APP', 'FRONT_DESK', 'KIOSK'])[1 + (users.h7 + purchases.k) % 4]
    ) as membership_purchase_details
from setup_glofox_users as users
cross join lateral (
    values
        (1, users.created_at + make_interval(secs => users.h3 % (45 * 86400))),
        (2, users.created_at + make_interval(secs => users.h5 % (90 * 86400)))
) as purchases (k, purchased_at)
where
    users.profile in ('membership', 'both')
    and (purchases.k = 1 or users.h5 % 3 = 0)
order by users.n, purchases.k;

-- dirty memberships (see the table of contents)
insert into public.fct_membership_purchases
    (user_id, branch_id, membership_id, membership_purchased_at, created_at, membership_purchase_details)
values
    ('dddddddd-dddd-4ddd-8ddd-000000000001', 'b-001', 'm-d01', '2025-10-20 18:00:00', '2025-10-20 18:00:05', '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    -- d02 (bought at its kept branch), d03
    ('dddddddd-dddd-4ddd-8ddd-000000000002', 'b-002', 'm-d02', '2025-11-20 12:00:00', '2025-11-20 12:00:10', '{"name": "Annual Premium", "source": "FRONT_DESK"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000003', 'b-003', 'm-d03', '2025-12-03 12:00:00', '2025-12-03 12:00:10', '{"name": "Karnet Open", "source": "WEBSITE"}'),
    -- d06 uppercase user id, matches the uppercase dim_user row
    ('DDDDDDDD-DDDD-4DDD-8DDD-000000000006', 'b-002', 'm-d06', '2025-11-16 11:00:00', '2025-11-16 11:00:00', '{"name": "Off-Peak", "source": "MOBILE_APP"}'),
    -- L7: d07 event at b-009; d08 membership later than its credit pack; d10 event without branch
    ('dddddddd-dddd-4ddd-8ddd-000000000007', 'b-009', 'm-d07', '2025-11-17 07:00:00', '2025-11-17 07:01:00', '{"name": "Yoga Unlimited", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000008', 'b-003', 'm-d08', '2026-01-10 08:00:00', '2026-01-10 08:00:00', '{"name": "Karnet Open", "source": "KIOSK"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000010', null, 'm-d10', '2026-01-12 10:00:00', '2026-01-12 10:00:00', '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000011', 'b-999', 'm-d11', '2026-01-21 11:00:00', '2026-01-21 11:00:00', '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    -- d12 bought at Sydney's DST start instant (03:00:00 AEDT)
    ('dddddddd-dddd-4ddd-8ddd-000000000012', 'b-014', 'm-d12', '2025-10-04 16:00:00', '2025-10-04 16:00:00', '{"name": "Boxing 12 Weeks", "source": "MOBILE_APP"}'),
    -- d16 (created 1900), d18 (bought before being created)
    ('dddddddd-dddd-4ddd-8ddd-000000000016', 'b-001', 'm-d16', '2026-01-15 10:00:00', '2026-01-15 10:00:00', '{"name": "Monthly Unlimited", "source": "FRONT_DESK"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000018', 'b-005', 'm-d18', '2025-09-01 09:00:00', '2025-09-01 09:00:00', '{"name": "Annual Premium", "source": "FRONT_DESK"}'),
    -- L9: d19 same time, earlier created_at wins (m-d19-b)
    ('dddddddd-dddd-4ddd-8ddd-000000000019', 'b-001', 'm-d19-a', '2026-01-10 10:00:00', '2026-01-10 10:05:00', '{"name": "Off-Peak", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000019', 'b-001', 'm-d19-b', '2026-01-10 10:00:00', '2026-01-10 10:01:00', '{"name": "Annual Premium", "source": "WEBSITE"}'),
    -- L9: d20 same times, smallest id in byte order wins: 'm-d20-B' < 'm-d20-a'
    ('dddddddd-dddd-4ddd-8ddd-000000000020', 'b-003', 'm-d20-a', '2026-01-10 10:00:00', '2026-01-10 10:00:00', '{"name": "Karnet Open", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000020', 'b-003', 'm-d20-B', '2026-01-10 10:00:00', '2026-01-10 10:00:00', '{"name": "Karnet Student", "source": "WEBSITE"}'),
    -- L10: d22 same instant as cp-d22 -> MEMBERSHIP
    ('dddddddd-dddd-4ddd-8ddd-000000000022', 'b-008', 'm-d22', '2026-02-14 18:30:00', '2026-02-14 18:30:00', '{"name": "Monthly Unlimited", "source": "MOBILE_APP"}'),
    -- L3 + L10: d23 no purchased_at, its created_at ties with cp-d23 -> MEMBERSHIP
    ('dddddddd-dddd-4ddd-8ddd-000000000023', 'b-009', 'm-d23', null, '2026-02-20 07:00:00', '{"name": "Yoga Unlimited", "source": "KIOSK"}'),
    -- d24 one day after its credit pack
    ('dddddddd-dddd-4ddd-8ddd-000000000024', 'b-010', 'm-d24', '2026-01-03 09:00:00', '2026-01-03 09:00:00', '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    -- L3: d26 both times NULL -> not usable
    ('dddddddd-dddd-4ddd-8ddd-000000000026', 'b-012', 'm-d26', null, null, '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    -- L3: d27 purchased_at NULL -> created_at (2026-01-01) is earlier than m-d27-b's purchase
    ('dddddddd-dddd-4ddd-8ddd-000000000027', 'b-013', 'm-d27-a', null, '2026-01-01 00:00:00', '{"name": "Roadhouse Monthly", "source": "FRONT_DESK"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000027', 'b-013', 'm-d27-b', '2026-01-05 00:00:00', '2025-12-20 00:00:00', '{"name": "Roadhouse Annual", "source": "FRONT_DESK"}'),
    -- L3: d28 exact duplicate rows
    ('dddddddd-dddd-4ddd-8ddd-000000000028', 'b-015', 'm-d28', '2026-01-28 09:00:00', '2026-01-28 09:00:01', '{"name": "Reformer 10", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000028', 'b-015', 'm-d28', '2026-01-28 09:00:00', '2026-01-28 09:00:01', '{"name": "Reformer 10", "source": "WEBSITE"}'),
    -- L3: d29 same id three times: the earliest time wins (b-002 row); the NULL-time row is not usable
    ('dddddddd-dddd-4ddd-8ddd-000000000029', 'b-001', 'm-d29', '2026-01-10 09:00:00', '2026-01-10 09:00:00', '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000029', 'b-002', 'm-d29', '2026-01-05 09:00:00', '2026-01-10 09:00:00', '{"name": "Monthly Unlimited", "source": "MOBILE_APP"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000029', 'b-016', 'm-d29', null, null, '{"name": "Monthly Unlimited", "source": "KIOSK"}'),
    -- L3: m-d30 claimed by d31 and d30 at identical times -> smallest user_id (d30) kept
    ('dddddddd-dddd-4ddd-8ddd-000000000031', 'b-018', 'm-d30', '2026-01-30 09:00:00', '2026-01-30 09:00:00', '{"name": "Barre Monthly", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000030', 'b-017', 'm-d30', '2026-01-30 09:00:00', '2026-01-30 09:00:00', '{"name": "Barre Monthly", "source": "WEBSITE"}'),
    -- d32: 'p-d32' is also a credit pack id (separate id spaces)
    ('dddddddd-dddd-4ddd-8ddd-000000000032', 'b-019', 'p-d32', '2026-02-01 09:00:00', '2026-02-01 09:00:00', '{"name": "Box Mensual", "source": "WEBSITE"}'),
    -- L1 + L3: padded purchase id, earlier, is the same purchase as 'm-d33'
    ('dddddddd-dddd-4ddd-8ddd-000000000033', 'b-020', '  m-d33 ', '2026-01-04 09:00:00', '2026-01-04 09:00:00', '{"name": "Aqua Monthly", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000033', 'b-020', 'm-d33', '2026-01-06 09:00:00', '2026-01-06 09:00:00', '{"name": "Aqua Annual", "source": "WEBSITE"}'),
    -- L8: DST and 45-minute-zone instants
    ('dddddddd-dddd-4ddd-8ddd-000000000034', 'b-003', 'm-d34', '2026-03-29 01:00:00', '2026-03-29 01:00:00', '{"name": "Karnet Open", "source": "MOBILE_APP"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000035', 'b-001', 'm-d35', '2025-10-26 01:30:00', '2025-10-26 01:30:00', '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000037', 'b-010', 'm-d37', '2026-03-08 05:30:00', '2026-03-08 05:30:00', '{"name": "WOD Unlimited", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000038', 'b-011', 'm-d38', '2025-12-31 18:14:59', '2025-12-31 18:15:30', '{"name": "Strength Monthly", "source": "FRONT_DESK"}'),
    -- L4: details JSON cases d40..d49
    ('dddddddd-dddd-4ddd-8ddd-000000000040', 'b-001', 'm-d40', '2026-02-11 10:00:00', '2026-02-11 10:00:00', null),
    ('dddddddd-dddd-4ddd-8ddd-000000000041', 'b-002', 'm-d41', '2026-02-11 10:00:00', '2026-02-11 10:00:00', '{}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000042', 'b-003', 'm-d42', '2026-02-11 10:00:00', '2026-02-11 10:00:00', 'null'),
    ('dddddddd-dddd-4ddd-8ddd-000000000043', 'b-004', 'm-d43', '2026-02-11 10:00:00', '2026-02-11 10:00:00', '[{"name": "Monthly", "source": "WEBSITE"}]'),
    ('dddddddd-dddd-4ddd-8ddd-000000000044', 'b-005', 'm-d44', '2026-02-11 10:00:00', '2026-02-11 10:00:00', '"Monthly Unlimited"'),
    ('dddddddd-dddd-4ddd-8ddd-000000000045', 'b-006', 'm-d45', '2026-02-11 10:00:00', '2026-02-11 10:00:00', '{"name": {"pl": "Karnet", "en": "Pass"}, "source": ["WEBSITE"]}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000046', 'b-007', 'm-d46', '2026-02-11 10:00:00', '2026-02-11 10:00:00', '42'),
    ('dddddddd-dddd-4ddd-8ddd-000000000047', 'b-008', 'm-d47', '2026-02-11 10:00:00', '2026-02-11 10:00:00', 'true'),
    ('dddddddd-dddd-4ddd-8ddd-000000000048', 'b-009', 'm-d48', '2026-02-11 10:00:00', '2026-02-11 10:00:00', '{"name": 12, "source": true}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000049', 'b-010', 'm-d49', '2026-02-11 10:00:00', '2026-02-11 10:00:00', '  {"name": 1.50, "source": 1e2}  '),
    -- L6 / L8 zone cases
    ('dddddddd-dddd-4ddd-8ddd-000000000057', 'b-015', 'm-d57', '2026-03-29 01:00:00', '2026-03-29 01:00:00', '{"name": "Mat Pilates", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000059', 'b-020', 'm-d59', '2026-03-16 03:00:00', '2026-03-16 03:00:00', '{"name": "Aqua Monthly", "source": "WEBSITE"}'),
    -- D6: bought at another branch than the user's own
    ('dddddddd-dddd-4ddd-8ddd-000000000060', 'b-002', 'm-d60', '2026-01-21 12:00:00', '2026-01-21 12:00:00', '{"name": "Travel Pass", "source": "MOBILE_APP"}'),
    -- d62 fractional seconds; d63 at the instant of signup; d64 effective times compared
    ('dddddddd-dddd-4ddd-8ddd-000000000062', 'b-023', 'm-d62', '2026-01-10 10:00:00.123456', '2026-01-10 10:00:00.5', '{"name": "Seafront Monthly", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000063', 'b-022', 'm-d63', '2026-03-10 17:45:00', '2026-03-10 17:45:00', '{"name": "Karnet Open", "source": "FRONT_DESK"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000064', 'b-024', 'm-d64', '2026-01-10 08:00:00', '2026-01-20 08:00:00', '{"name": "Karnet Open", "source": "WEBSITE"}'),
    -- L4 / D4: d67 name holds an escaped backslash ("\\u0000" is the 6 characters \u0000, a
    -- valid text), source an unpaired surrogate (cannot become text -> NULL; and PostgreSQL's
    -- ->> fails on every key of such a document, so the name must still be read)
    ('dddddddd-dddd-4ddd-8ddd-000000000067', 'b-022', 'm-d67', '2026-03-22 09:00:00', '2026-03-22 09:00:00', '{"name": "C:\\u0000 Studio", "source": "\ud800"}'),
    -- L1, L10, D19: d69's source is ~3 KB of hex that does not compress, kept as given
    ('d69-kilobyte-labels', 'b-kilobytes', 'm-d69', '2026-02-12 10:00:00', '2026-02-12 10:00:00', cast('{"name": "Kilobyte Pass", "source": "' || (select string_agg(md5('setup-long-source-' || n), '') from generate_series(1, 94) as n) || '"}' as json)),
    -- L3, L8: infinite and year-0001 purchase times are times like any other
    ('d71-infinite-signup', 'b-001', 'm-d71', '2026-02-01 10:00:00', '2026-02-01 10:00:00', '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    ('d72-minus-infinite-signup', 'b-002', 'm-d72', 'infinity', '2026-02-02 10:00:00', '{"name": "Off-Peak", "source": "KIOSK"}'),
    ('d73-year-one', 'b-020', 'm-d73', '0001-01-01 00:00:00', '0001-01-01 00:00:00', '{"name": "Aqua Monthly", "source": "FRONT_DESK"}'),
    -- L8, D24: bought 10000-01-01 13:30 local time (+14)
    ('d75-local-year-10000', 'b-025', 'm-d75', '9999-12-31 23:30:00', '9999-12-31 23:30:00', '{"name": "Island Monthly", "source": "MOBILE_APP"}'),
    -- L1 + L7: d65's event has a padded branch id
    ('dddddddd-dddd-4ddd-8ddd-000000000065', '  b-008 ', 'm-d65', '2026-02-16 15:00:00', '2026-02-16 15:00:00', '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    -- L3: not usable: NULL / blank user_id, NULL / blank membership_id
    (null, 'b-001', 'm-n01', '2026-01-01 10:00:00', '2026-01-01 10:00:00', '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    ('  ', 'b-001', 'm-n02', '2026-01-01 10:00:00', '2026-01-01 10:00:00', '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000024', 'b-010', null, '2026-01-01 10:00:00', '2026-01-01 10:00:00', '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000025', 'b-011', '', '2025-12-26 10:00:00', '2025-12-26 10:00:00', '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    -- L5: users not in dim_user; m-e01 twice (exact duplicate: L3 first, then L5)
    ('eeeeeeee-eeee-4eee-8eee-000000000001', 'b-001', 'm-e01', '2026-01-05 10:00:00', '2026-01-05 10:00:00', '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    ('eeeeeeee-eeee-4eee-8eee-000000000001', 'b-001', 'm-e01', '2026-01-05 10:00:00', '2026-01-05 10:00:00', '{"name": "Monthly Unlimited", "source": "WEBSITE"}'),
    ('eeeeeeee-eeee-4eee-8eee-000000000003', 'b-003', 'm-e03', '2026-03-05 10:00:00', '2026-03-05 10:00:00', '{"name": "Karnet Open", "source": "WEBSITE"}'),
    -- L5: ids of ~3 KB, year 9999, control characters in the details
    ((select string_agg(md5('setup-long-user-' || n), '') from generate_series(1, 94) as n), (select string_agg(md5('setup-long-branch-' || n), '') from generate_series(1, 94) as n), (select string_agg(md5('setup-long-membership-' || n), '') from generate_series(1, 94) as n), '9999-12-31 12:00:00', '9999-12-31 12:00:00', '{"name": "Ctrl\u0007Pass\u001b", "source": "WEB\u0001"}');

-- ---------------------------------------------------------------------------------------
-- fct_credit_pack_purchases (brief figure 1.5.3)
-- ---------------------------------------------------------------------------------------
create table public.fct_credit_pack_purchases (
    user_id varchar,
    branch_id varchar,
    credit_pack_id varchar,
    credit_pack_purchased_at timestamp,
    created_at timestamp,
    credit_pack_purchase_details json
);

-- generated: a first credit pack within 45 days of signup, and for a quarter of them a
-- second one within 60 days
insert into public.fct_credit_pack_purchases
    (user_id, branch_id, credit_pack_id, credit_pack_purchased_at, created_at, credit_pack_purchase_details)
select
    users.user_id,
    users.branch_id,
    'cp-' || lpad(cast(users.n as varchar), 4, '0') || '-' || purchases.k as credit_pack_id,
    purchases.purchased_at,
    purchases.purchased_at + make_interval(secs => users.h7 % 600) as created_at,
    json_build_object(
        'name', (array['5 Class Pack', '10 Class Pack', '20 Class Pack', 'Drop-in'])[1 + (users.h6 + purchases.k) % 4],
        'source', (array['MOBILE_APP', 'WEBSITE', 'FRONT_DESK', 'CLASSPASS'])[1 + (users.h8 + purchases.k) % 4]
    ) as credit_pack_purchase_details
from setup_glofox_users as users
cross join lateral (
    values
        (1, users.created_at + make_interval(secs => users.h4 % (45 * 86400))),
        (2, users.created_at + make_interval(secs => users.h7 % (60 * 86400)))
) as purchases (k, purchased_at)
where
    users.profile in ('credit_pack', 'both')
    and (purchases.k = 1 or users.h6 % 4 = 0)
order by users.n, purchases.k;

-- dirty credit packs (see the table of contents)
insert into public.fct_credit_pack_purchases
    (user_id, branch_id, credit_pack_id, credit_pack_purchased_at, created_at, credit_pack_purchase_details)
values
    -- L1: d05's purchase uses its padded id
    (' dddddddd-dddd-4ddd-8ddd-000000000005', 'b-001', 'cp-d05', '2025-10-22 10:00:00', '2025-10-22 10:00:00', '{"name": "10 Class Pack", "source": "WEBSITE"}'),
    -- L5: lowercase d06 is not the uppercase user
    ('dddddddd-dddd-4ddd-8ddd-000000000006', 'b-002', 'cp-d06', '2025-11-10 11:00:00', '2025-11-10 11:00:00', '{"name": "5 Class Pack", "source": "MOBILE_APP"}'),
    -- L7: d08's credit pack is its event (b-011); d10's later credit pack does not set its branch
    ('dddddddd-dddd-4ddd-8ddd-000000000008', 'b-011', 'cp-d08', '2026-01-05 08:00:00', '2026-01-05 08:00:00', '{"name": "Drop-in", "source": "FRONT_DESK"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000010', 'b-001', 'cp-d10', '2026-01-20 10:00:00', '2026-01-20 10:00:00', '{"name": "Drop-in", "source": "FRONT_DESK"}'),
    -- L7: d13 blank branch -> this event's b-008
    ('dddddddd-dddd-4ddd-8ddd-000000000013', 'b-008', 'cp-d13', '2026-01-14 13:00:00', '2026-01-14 13:00:00', '{"name": "10 Class Pack", "source": "MOBILE_APP"}'),
    -- d15 (no created_at); d17 bought 2026 though "created" in 2099
    ('dddddddd-dddd-4ddd-8ddd-000000000015', 'b-002', 'cp-d15', '2025-12-15 15:00:00', '2025-12-15 15:00:00', '{"name": "20 Class Pack", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000017', 'b-005', 'cp-d17', '2026-02-01 17:00:00', '2026-02-01 17:00:00', '{"name": "5 Class Pack", "source": "KIOSK"}'),
    -- L9: d21 same purchase time, NULL created_at sorts last -> cp-d21-b
    ('dddddddd-dddd-4ddd-8ddd-000000000021', 'b-014', 'cp-d21-a', '2026-01-12 12:00:00', null, '{"name": "10 Class Pack", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000021', 'b-014', 'cp-d21-b', '2026-01-12 12:00:00', '2026-01-12 12:00:30', '{"name": "5 Class Pack", "source": "WEBSITE"}'),
    -- L10: d22 / d23 ties with their memberships
    ('dddddddd-dddd-4ddd-8ddd-000000000022', 'b-008', 'cp-d22', '2026-02-14 18:30:00', '2026-02-14 18:29:00', '{"name": "Drop-in", "source": "MOBILE_APP"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000023', 'b-009', 'cp-d23', '2026-02-20 07:00:00', '2026-02-20 06:00:00', '{"name": "5 Class Pack", "source": "WEBSITE"}'),
    -- d24 credit pack first; plus a credit pack without an id (L3)
    ('dddddddd-dddd-4ddd-8ddd-000000000024', 'b-010', 'cp-d24', '2026-01-02 09:00:00', '2026-01-02 09:00:00', '{"name": "10 Class Pack", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000024', 'b-010', null, '2025-12-30 09:00:00', '2025-12-30 09:00:00', '{"name": "Drop-in", "source": "WEBSITE"}'),
    -- d25 credit packs only; cp-d25-2 has no purchased_at (L3: its time is created_at)
    ('dddddddd-dddd-4ddd-8ddd-000000000025', 'b-011', 'cp-d25-2', null, '2026-01-25 09:00:00', '{"name": "20 Class Pack", "source": "FRONT_DESK"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000025', 'b-011', 'cp-d25-1', '2026-01-05 09:00:00', '2026-01-05 09:00:00', '{"name": "5 Class Pack", "source": "FRONT_DESK"}'),
    -- L3: d26 blank credit pack id
    ('dddddddd-dddd-4ddd-8ddd-000000000026', 'b-012', '   ', '2026-01-26 09:00:00', '2026-01-26 09:00:00', '{"name": "Drop-in", "source": "WEBSITE"}'),
    -- d32: 'p-d32' is also a membership id; this one is earlier
    ('dddddddd-dddd-4ddd-8ddd-000000000032', 'b-019', 'p-d32', '2026-01-31 09:00:00', '2026-01-31 09:00:00', '{"name": "Clase Suelta", "source": "FRONT_DESK"}'),
    -- L8: New York overlap (01:30 EDT signup, 01:30 EST purchase); Chatham overlap
    ('dddddddd-dddd-4ddd-8ddd-000000000036', 'b-002', 'cp-d36', '2025-11-02 06:30:00', '2025-11-02 06:30:00', '{"name": "10 Class Pack", "source": "MOBILE_APP"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000039', 'b-012', 'cp-d39', '2026-04-04 14:00:00', '2026-04-04 14:00:00', '{"name": "Drop-in", "source": "FRONT_DESK"}'),
    -- L4: details JSON cases d50..d56
    ('dddddddd-dddd-4ddd-8ddd-000000000050', 'b-011', 'cp-d50', '2026-02-11 10:00:00', '2026-02-11 10:00:00', '{"name": -0, "source": false}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000051', 'b-012', 'cp-d51', '2026-02-11 10:00:00', '2026-02-11 10:00:00', '{"name": "A", "source": "WEBSITE", "name": "B"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000052', 'b-013', 'cp-d52', '2026-02-11 10:00:00', '2026-02-11 10:00:00', '{"name": "  Padded  ", "source": "\t"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000053', 'b-014', 'cp-d53', '2026-02-11 10:00:00', '2026-02-11 10:00:00', '{"name": "", "source": "   "}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000054', 'b-015', 'cp-d54', '2026-02-11 10:00:00', '2026-02-11 10:00:00', '{"name": null, "source": "MOBILE_APP"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000055', 'b-016', 'cp-d55', '2026-02-11 10:00:00', '2026-02-11 10:00:00', '{"name": "bad\u0000name", "source": "WEBSITE"}'),
    ('dddddddd-dddd-4ddd-8ddd-000000000056', 'b-017', 'cp-d56', '2026-02-11 10:00:00', '2026-02-11 10:00:00', '{"NAME": "Upper", "Source": "WEBSITE"}'),
    -- L4 / D4: d68 a valid surrogate pair (an emoji) reads as text; d55 above: only the name
    -- holds \u0000, the source 'WEBSITE' is still read (-> name NULL, source 'WEBSITE')
    ('dddddddd-dddd-4ddd-8ddd-000000000068', 'b-005', 'cp-d68', '2026-03-22 09:00:00', '2026-03-22 09:00:00', '{"name": "Power Hour \ud83d\udcaa", "source": "MOBILE_APP"}'),
    -- L6: Jakarta (invalid zone -> capital)
    ('dddddddd-dddd-4ddd-8ddd-000000000058', 'b-016', 'cp-d58', '2026-03-15 04:00:00', '2026-03-15 04:00:00', '{"name": "10 Class Pack", "source": "WEBSITE"}'),
    -- d64: bought after m-d64 although created earlier -> event stays MEMBERSHIP
    ('dddddddd-dddd-4ddd-8ddd-000000000064', 'b-024', 'cp-d64', '2026-01-12 08:00:00', '2026-01-01 08:00:00', '{"name": "5 Class Pack", "source": "WEBSITE"}'),
    -- L3, L8: an infinite purchase time loses to a finite one (d71) and wins as -infinity (d72)
    ('d71-infinite-signup', 'b-001', 'cp-d71', 'infinity', 'infinity', '{"name": "Drop-in", "source": "WEBSITE"}'),
    ('d72-minus-infinite-signup', 'b-002', 'cp-d72', '-infinity', '-infinity', '{"name": "5 Class Pack", "source": "MOBILE_APP"}'),
    ('d74-year-9999', 'b-021', 'cp-d74', '9999-12-31 23:59:59', '9999-12-31 23:59:59', '{"name": "Drop-in", "source": "WEBSITE"}'),
    -- L8, D24: bought 0001-12-31 23:00 BC local time (-12)
    ('d76-local-year-zero', 'b-026', 'cp-d76', '0001-01-01 11:00:00', '0001-01-01 11:00:00', '{"name": "Drop-in", "source": "FRONT_DESK"}'),
    -- L3: NULL / blank user_id
    (null, 'b-002', 'cp-n01', '2026-01-01 10:00:00', '2026-01-01 10:00:00', '{"name": "Drop-in", "source": "WEBSITE"}'),
    (e'\t', 'b-002', 'cp-n02', '2026-01-01 10:00:00', '2026-01-01 10:00:00', '{"name": "Drop-in", "source": "WEBSITE"}'),
    -- L5: users not in dim_user
    ('eeeeeeee-eeee-4eee-8eee-000000000002', 'b-002', 'cp-e02', '2026-02-02 10:00:00', '2026-02-02 10:00:00', '{"name": "5 Class Pack", "source": "CLASSPASS"}'),
    ('eeeeeeee-eeee-4eee-8eee-000000000003', 'b-003', 'cp-e03', '2026-03-04 10:00:00', '2026-03-04 10:00:00', '{"name": "Drop-in", "source": "WEBSITE"}'),
    -- L5: ids of ~3 KB, year 0001
    ((select string_agg(md5('setup-long-user-' || n), '') from generate_series(1, 94) as n), 'b-001', (select string_agg(md5('setup-long-credit-pack-' || n), '') from generate_series(1, 94) as n), '0001-01-02 12:00:00', '0001-01-02 12:00:00', '{"name": "Drop-in", "source": "WEBSITE"}');

-- ---------------------------------------------------------------------------------------
-- fct_client_conversion_events_part_2 (brief figure 1.6.3): "pre-populated with data
-- similar to what would be expected from Part 1". Filled with what Part 1 gives for the
-- generated users 1..40 (clean rows: no dirty case touches them), local times in the
-- branch's zone.
-- ---------------------------------------------------------------------------------------
create table public.fct_client_conversion_events_part_2 (
    user_id varchar,
    branch_id varchar,
    local_user_created_at timestamp,
    lead_status varchar,
    client_conversion_event_type varchar,
    client_conversion_event_id varchar,
    client_conversion_event_local_created_at timestamp,
    client_conversion_event_name varchar,
    client_conversion_event_source varchar,
    first_user_membership_id varchar,
    first_local_membership_purchased_at timestamp,
    first_membership_name varchar,
    first_membership_source varchar,
    first_credit_pack_id varchar,
    first_local_credit_pack_purchase_at timestamp,
    first_credit_pack_name varchar,
    first_credit_pack_source varchar
);

insert into public.fct_client_conversion_events_part_2
with part_1_users as (
    select * from setup_glofox_users
    where n <= 40
),

first_memberships as (
    select distinct on (purchases.user_id)
        purchases.user_id,
        purchases.membership_id,
        purchases.membership_purchased_at,
        purchases.membership_purchase_details ->> 'name' as membership_name,
        purchases.membership_purchase_details ->> 'source' as membership_source
    from public.fct_membership_purchases as purchases
    inner join part_1_users on purchases.user_id = part_1_users.user_id
    order by purchases.user_id, purchases.membership_purchased_at, purchases.created_at, purchases.membership_id
),

first_credit_packs as (
    select distinct on (purchases.user_id)
        purchases.user_id,
        purchases.credit_pack_id,
        purchases.credit_pack_purchased_at,
        purchases.credit_pack_purchase_details ->> 'name' as credit_pack_name,
        purchases.credit_pack_purchase_details ->> 'source' as credit_pack_source
    from public.fct_credit_pack_purchases as purchases
    inner join part_1_users on purchases.user_id = part_1_users.user_id
    order by purchases.user_id, purchases.credit_pack_purchased_at, purchases.created_at, purchases.credit_pack_id
),

joined as (
    select
        part_1_users.n,
        part_1_users.user_id,
        part_1_users.branch_id,
        part_1_users.zone,
        part_1_users.created_at,
        first_memberships.membership_id,
        first_memberships.membership_purchased_at,
        first_memberships.membership_name,
        first_memberships.membership_source,
        first_credit_packs.credit_pack_id,
        first_credit_packs.credit_pack_purchased_at,
        first_credit_packs.credit_pack_name,
        first_credit_packs.credit_pack_source,
        case
            when first_memberships.membership_id is not null
                and (
                    first_credit_packs.credit_pack_id is null
                    or first_memberships.membership_purchased_at <= first_credit_packs.credit_pack_purchased_at
                )
                then 'MEMBERSHIP'
            when first_credit_packs.credit_pack_id is not null then 'USER_CREDIT'
        end as event_type
    from part_1_users
    left join first_memberships on part_1_users.user_id = first_memberships.user_id
    left join first_credit_packs on part_1_users.user_id = first_credit_packs.user_id
)

select
    user_id,
    branch_id,
    (created_at at time zone 'UTC') at time zone zone,
    case when event_type is null then 'LEAD' else 'CLIENT' end,
    event_type,
    case event_type when 'MEMBERSHIP' then membership_id else credit_pack_id end,
    (
        case event_type when 'MEMBERSHIP' then membership_purchased_at else credit_pack_purchased_at end
        at time zone 'UTC'
    ) at time zone zone,
    case event_type when 'MEMBERSHIP' then membership_name else credit_pack_name end,
    case event_type when 'MEMBERSHIP' then membership_source else credit_pack_source end,
    membership_id,
    (membership_purchased_at at time zone 'UTC') at time zone zone,
    membership_name,
    membership_source,
    credit_pack_id,
    (credit_pack_purchased_at at time zone 'UTC') at time zone zone,
    credit_pack_name,
    credit_pack_source
from joined
order by n;

-- ---------------------------------------------------------------------------------------
-- The container's pre-created output tables, empty, with OTHER columns than the marts on
-- purpose (L15): fct_client_conversion_events names the credit-pack time column
-- first_local_credit_pack_purchased_at (brief typo), fct_lead_conversions lacks
-- client_conversion_event_filter. solution.sql must replace them, not insert into them.
-- ---------------------------------------------------------------------------------------
create table public.fct_client_conversion_events (
    user_id varchar,
    branch_id varchar,
    local_user_created_at timestamp,
    lead_status varchar,
    client_conversion_event_type varchar,
    client_conversion_event_id varchar,
    client_conversion_event_local_created_at timestamp,
    client_conversion_event_name varchar,
    client_conversion_event_source varchar,
    first_user_membership_id varchar,
    first_local_membership_purchased_at timestamp,
    first_membership_name varchar,
    first_membership_source varchar,
    first_credit_pack_id varchar,
    first_local_credit_pack_purchased_at timestamp,
    first_credit_pack_name varchar,
    first_credit_pack_source varchar
);

create table public.fct_lead_conversions (
    user_id varchar,
    branch_id varchar,
    local_user_created_at timestamp,
    lead_status varchar,
    client_conversion_event_type varchar,
    client_conversion_event_id varchar,
    client_conversion_event_local_created_at timestamp,
    client_conversion_event_name varchar,
    client_conversion_event_source varchar
);

drop table setup_glofox_users;
drop table setup_glofox_branches;

reset client_min_messages;
-- <<< section: glofox

-- >>> section: app (user activity, docs/rules.md)
-- The app replica tables (docs/rules.md, user activity), with sample data written by us.
-- Deterministic: setseed() fixes random(), and every random() is drawn in generate_series
-- order. The sample spans 2025-10-01 .. 2026-03-31 so that, for the README's as-of date
-- 2026-03-31 (window [2026-03-02, 2026-04-01), retention cohort [2026-01-31, 2026-03-02)),
-- every metric A5-A10 is non-trivial. data/payments/payments_sample.jsonl (loaded by
-- `make run` with `glofox load-payments`) adds later documents and re-deliveries.
-- Only the columns the rules name; app.payment_loads is the loader's own log (A3).
-- The NOTICEs of "drop ... if exists" on a fresh database are noise: hidden in this section.
set client_min_messages = warning;

create schema if not exists app;

-- CASCADE: on a reload the dbt staging views built on these tables are dropped too; the
-- next `dbt build` recreates them.
drop table if exists app.payment_loads cascade;
drop table if exists app.payment_events cascade;
drop table if exists app.messages cascade;
drop table if exists app.conversations cascade;
drop table if exists app.users cascade;

create table app.users (
    id uuid,
    created_at timestamp,
    last_active timestamp
);

create table app.conversations (
    id uuid,
    created_at timestamp
);

create table app.messages (
    id uuid,
    conversation_id uuid,
    user_id uuid,
    created_at timestamp
);

create table app.payment_events (
    document jsonb not null,
    loaded_at timestamptz not null default now()
);

-- The load log of `glofox load-payments` (the loader creates it too when it is missing).
-- Dropped and recreated with payment_events, so a reload of setup.sql lets the sample
-- stream load again.
create table app.payment_loads (
    load_id bigint generated always as identity primary key,
    file_name text not null,
    sha256 text not null,
    file_bytes bigint not null,
    lines_read bigint not null,
    lines_loaded bigint not null,
    lines_rejected bigint not null,
    lines_blank bigint not null,
    forced boolean not null,
    loaded_at timestamptz not null default now()
);

-- The daily activity facts (dbt microbatch) read one day of signups and of messages per
-- batch, by their event time: these indexes let each batch read its day, not the table.
create index users_created_at on app.users (created_at);
create index messages_created_at on app.messages (created_at);
-- The payment documents are staged incrementally by load time: each run reads the documents
-- loaded since the latest one it staged, by this index.
create index payment_events_loaded_at on app.payment_events (loaded_at);

-- Fix random() for this session (DO: no result set in psql's output).
do $$ begin perform setseed(0.3); end $$;

-- Users 1/2: the gym members of public.dim_user, same ids. Only ids that are UUIDs once
-- trimmed are cast (the dirty ones stay gym-only); one app user per id, signed up within
-- two hours of the gym record's created_at (a gym user with no created_at gets none).
insert into app.users (id, created_at)
with valid_members as (
    select
        lower(trim(dim_user.user_id)) as id_text,
        dim_user.created_at
    from public.dim_user as dim_user
    where trim(dim_user.user_id) ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
),

first_per_id as (
    select
        id_text,
        min(created_at) as created_at
    from valid_members
    group by id_text
)

select
    cast(id_text as uuid) as id,
    created_at + make_interval(mins => abs(hashtext(id_text)) % 120) as created_at
from first_per_id
order by id_text;

-- Users 2/2: 50 app users who are not gym members, signed up over the six months.
insert into app.users (id, created_at)
select
    cast(md5('glofox-app-user-' || n) as uuid) as id,
    timestamp '2025-10-01' + random() * interval '182 days' as created_at
from generate_series(1, 50) as n;

-- A stable shuffled order of the users, for the random draws below.
create temporary table sample_users as
select
    row_number() over (order by md5(cast(id as text))) as user_no,
    id,
    -- when the user can start writing and paying: the signup, clamped to the sample's span
    -- (a NULL or implausible signup, e.g. 1900 or 2099, of a gym member counts as 2025-10-01
    -- or 2026-03-31 12:00)
    least(
        greatest(coalesce(created_at, timestamp '2025-10-01'), timestamp '2025-10-01'),
        timestamp '2026-03-31 12:00'
    ) as active_from
from app.users;

-- 600 conversations over the six months.
insert into app.conversations (id, created_at)
select
    cast(md5('glofox-app-conversation-' || n) as uuid) as id,
    timestamp '2025-10-01' + random() * interval '182 days' as created_at
from generate_series(1, 600) as n;

-- 4,000 messages. Senders are drawn with a skew (a few chatty users), from 55%
-- of the users only (the rest never write); each message is sent after its sender signed up,
-- before 2026-04-01.
insert into app.messages (id, conversation_id, user_id, created_at)
with draws as (
    select
        n,
        random() as sender_draw,
        random() as conversation_draw,
        random() as time_draw
    from generate_series(1, 4000) as n
),

user_count as (
    select count(*) as users from sample_users
)

select
    cast(md5('glofox-app-message-' || draws.n) as uuid) as id,
    cast(md5('glofox-app-conversation-' || (1 + floor(draws.conversation_draw * 600))) as uuid)
        as conversation_id,
    sample_users.id as user_id,
    sample_users.active_from
    + draws.time_draw * (timestamp '2026-04-01' - sample_users.active_from) as created_at
from draws
cross join user_count
inner join sample_users
    on sample_users.user_no = 1 + floor(power(draws.sender_draw, 1.5) * user_count.users * 0.55)
order by draws.n;

-- Dirty messages (A7): 24 from 8 senders unknown to app.users, 15 with a NULL sender,
-- 3 in a conversation that is not in app.conversations. All in March 2026.
insert into app.messages (id, conversation_id, user_id, created_at)
select
    cast(md5('glofox-app-message-unknown-' || n) as uuid) as id,
    cast(md5('glofox-app-conversation-' || n) as uuid) as conversation_id,
    cast(md5('glofox-app-unknown-sender-' || (n % 8)) as uuid) as user_id,
    timestamp '2026-03-01' + random() * interval '30 days' as created_at
from generate_series(1, 24) as n;

insert into app.messages (id, conversation_id, user_id, created_at)
select
    cast(md5('glofox-app-message-anonymous-' || n) as uuid) as id,
    cast(md5('glofox-app-conversation-' || n) as uuid) as conversation_id,
    null as user_id,
    timestamp '2026-03-01' + random() * interval '30 days' as created_at
from generate_series(1, 15) as n;

insert into app.messages (id, conversation_id, user_id, created_at)
select
    cast(md5('glofox-app-message-orphan-' || n) as uuid) as id,
    cast(md5('glofox-app-conversation-missing') as uuid) as conversation_id,
    sample_users.id as user_id,
    timestamp '2026-03-10' + n * interval '1 day' as created_at
from generate_series(1, 3) as n
inner join sample_users on sample_users.user_no = n;

-- last_active: the user's latest message, else the signup.
update app.users
set last_active = coalesce(
    (select max(messages.created_at) from app.messages as messages where messages.user_id = users.id),
    users.created_at
);

-- Payments. 40% of the users pay: a first payment 0-20 days after signup (or after
-- 2025-10-01), then up to 5 more, each 2-50 days after the previous one, so some follow-ups
-- come within 30 days (A10 retained) and some later (not retained). Payments after
-- 2026-03-31 are not in setup.sql (the sample stream file has some).
create temporary table sample_payments as
with payers as (
    select
        sample_users.id,
        sample_users.active_from,
        1 + floor(random() * 6) as payment_count,
        random() * interval '20 days' as first_delay
    from sample_users
    where sample_users.user_no % 5 in (0, 3)
    order by sample_users.user_no
),

gaps as (
    select
        payers.id,
        k,
        payers.active_from + payers.first_delay
        + sum(case when k = 1 then interval '0' else interval '2 days' + random() * interval '48 days' end)
            over (partition by payers.id order by k) as paid_at,
        round(cast(5 + random() * 145 as numeric), 2) as amount
    from payers
    cross join lateral generate_series(1, cast(payers.payment_count as int)) as k
)

select
    row_number() over (order by gaps.paid_at, gaps.id) as n,
    gaps.id as user_id,
    gaps.paid_at,
    gaps.amount
from gaps
where gaps.paid_at < timestamp '2026-04-01';

-- Every shape the rules allow (A1, A2), cycling over the payments:
--   _id: {"$oid": "<24 hex>"} (7 in 10), a plain string (3 in 10), padded with blanks (1 in 50);
--   user_id: the UUID in lower case, upper case for 1 in 97;
--   payment_amount: a JSON number, a numeric string, {"$numberDecimal": "..."};
--   transaction_date: {"$date": ISO Z}, {"$date": {"$numberLong": ms}}, ISO with +02:00,
--   ISO with Z, ISO with no offset (UTC), a date alone (midnight UTC), ISO with -05:00,
--   {"$date": ISO with +01:00 and microseconds}.
-- loaded_at: a few minutes to a day after the payment.
insert into app.payment_events (document, loaded_at)
select
    jsonb_build_object(
        '_id',
        case
            when n % 50 = 3 then to_jsonb('  pay_' || lpad(cast(n as text), 6, '0') || ' ')
            when n % 10 < 7 then jsonb_build_object('$oid', substr(md5('glofox-pay-' || n), 1, 24))
            else to_jsonb('pay_' || lpad(cast(n as text), 6, '0'))
        end,
        'user_id',
        case
            when n % 97 = 5 then upper(cast(user_id as text))
            else cast(user_id as text)
        end,
        'payment_amount',
        case n % 3
            when 0 then to_jsonb(amount)
            when 1 then to_jsonb(cast(amount as text))
            else jsonb_build_object('$numberDecimal', cast(amount as text))
        end,
        'transaction_date',
        case n % 8
            when 0 then jsonb_build_object('$date', to_char(paid_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
            when 1 then jsonb_build_object(
                '$date',
                jsonb_build_object(
                    '$numberLong',
                    cast(cast(floor(extract(epoch from paid_at) * 1000) as bigint) as text)
                )
            )
            when 2 then to_jsonb(to_char(paid_at + interval '2 hours', 'YYYY-MM-DD"T"HH24:MI:SS"+02:00"'))
            when 3 then to_jsonb(to_char(paid_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
            when 4 then to_jsonb(to_char(paid_at, 'YYYY-MM-DD"T"HH24:MI:SS'))
            when 5 then to_jsonb(to_char(paid_at, 'YYYY-MM-DD'))
            when 6 then to_jsonb(to_char(paid_at - interval '5 hours', 'YYYY-MM-DD"T"HH24:MI:SS.MS"-05:00"'))
            else jsonb_build_object(
                '$date', to_char(paid_at + interval '1 hour', 'YYYY-MM-DD"T"HH24:MI:SS.US"+01:00"')
            )
        end
    ) as document,
    (paid_at + interval '5 minutes' + random() * interval '1 day') at time zone 'UTC' as loaded_at
from sample_payments
order by n;

-- A1: exact re-deliveries: every 25th document loaded again two days later (same _id,
-- same content); the first load wins.
insert into app.payment_events (document, loaded_at)
with numbered as (
    select
        document,
        loaded_at,
        row_number() over (order by loaded_at, cast(document as text)) as load_no
    from app.payment_events
)

select
    document,
    loaded_at + interval '2 days' as loaded_at
from numbered
where load_no % 25 = 0
order by load_no;

-- A1: a re-delivery whose string _id comes back padded with blanks: the same _id once
-- trimmed, so it is a duplicate too (the first string-_id payment of the window).
insert into app.payment_events (document, loaded_at)
select
    jsonb_set(document, '{_id}', to_jsonb(' ' || (document ->> '_id') || '  ')) as document,
    loaded_at + interval '3 days' as loaded_at
from app.payment_events
where
    jsonb_typeof(document -> '_id') = 'string'
    and document ->> '_id' = trim(document ->> '_id')
    and loaded_at >= timestamptz '2026-03-02 00:00:00+00'
order by loaded_at
limit 1;

-- A1: re-deliveries of the same _id with other content (a later correction): the first
-- loaded wins, so their amounts 999.99 must never count.
insert into app.payment_events (document, loaded_at)
select
    jsonb_set(document, '{payment_amount}', to_jsonb(999.99)) as document,
    loaded_at + interval '1 hour' as loaded_at
from app.payment_events
where loaded_at >= timestamptz '2026-03-02 00:00:00+00'
order by loaded_at, cast(document as text)
limit 3;

-- A2: documents that are not payments, each one reason. USER1 is the non-member app user
-- md5('glofox-app-user-1'), so a bad document would change a metric if it were counted.
insert into app.payment_events (document, loaded_at)
with bad_documents (document) as (
    values
    -- not an object
    ('[1, 2, 3]'),
    ('"a payment"'),
    ('42'),
    ('null'),
    ('true'),
    -- a field missing
    ('{}'),
    ('{"user_id": "USER1", "payment_amount": 10, "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": {"$oid": "a0000000000000000000bad2"}, "payment_amount": 10, "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": {"$oid": "a0000000000000000000bad3"}, "user_id": "USER1", "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": {"$oid": "a0000000000000000000bad4"}, "user_id": "USER1", "payment_amount": 10}'),
    ('{"_id": {"$oid": "a0000000000000000000bad5"}, "user_id": "USER1", "payment_amount": null, "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": null, "user_id": "USER1", "payment_amount": 10, "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "   ", "user_id": "USER1", "payment_amount": 10, "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": {"$oid": ""}, "user_id": "USER1", "payment_amount": 10, "transaction_date": "2026-03-10T10:00:00Z"}'),
    -- user_id not a UUID
    ('{"_id": "bad-user-1", "user_id": "not-a-uuid", "payment_amount": 10, "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "bad-user-2", "user_id": 12345, "payment_amount": 10, "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "bad-user-3", "user_id": "", "payment_amount": 10, "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "bad-user-4", "user_id": {"$uuid": "USER1"}, "payment_amount": 10, "transaction_date": "2026-03-10T10:00:00Z"}'),
    -- amount not a finite number > 0
    ('{"_id": "bad-amount-1", "user_id": "USER1", "payment_amount": 0, "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "bad-amount-2", "user_id": "USER1", "payment_amount": -5, "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "bad-amount-3", "user_id": "USER1", "payment_amount": "abc", "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "bad-amount-4", "user_id": "USER1", "payment_amount": "NaN", "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "bad-amount-5", "user_id": "USER1", "payment_amount": "Infinity", "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "bad-amount-6", "user_id": "USER1", "payment_amount": "-Infinity", "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "bad-amount-7", "user_id": "USER1", "payment_amount": {"$numberDecimal": "NaN"}, "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "bad-amount-8", "user_id": "USER1", "payment_amount": {"$numberDecimal": "-12.50"}, "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "bad-amount-9", "user_id": "USER1", "payment_amount": "", "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "bad-amount-10", "user_id": "USER1", "payment_amount": true, "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "bad-amount-11", "user_id": "USER1", "payment_amount": [10], "transaction_date": "2026-03-10T10:00:00Z"}'),
    ('{"_id": "bad-amount-12", "user_id": "USER1", "payment_amount": "0.00", "transaction_date": "2026-03-10T10:00:00Z"}'),
    -- date not one of the shapes, or impossible
    ('{"_id": "bad-date-1", "user_id": "USER1", "payment_amount": 10, "transaction_date": "2026-13-01T10:00:00Z"}'),
    ('{"_id": "bad-date-2", "user_id": "USER1", "payment_amount": 10, "transaction_date": "2026-02-30"}'),
    ('{"_id": "bad-date-3", "user_id": "USER1", "payment_amount": 10, "transaction_date": "now"}'),
    ('{"_id": "bad-date-4", "user_id": "USER1", "payment_amount": 10, "transaction_date": "yesterday"}'),
    ('{"_id": "bad-date-5", "user_id": "USER1", "payment_amount": 10, "transaction_date": "epoch"}'),
    ('{"_id": "bad-date-6", "user_id": "USER1", "payment_amount": 10, "transaction_date": "infinity"}'),
    ('{"_id": "bad-date-7", "user_id": "USER1", "payment_amount": 10, "transaction_date": "-infinity"}'),
    ('{"_id": "bad-date-8", "user_id": "USER1", "payment_amount": 10, "transaction_date": "garbage"}'),
    ('{"_id": "bad-date-9", "user_id": "USER1", "payment_amount": 10, "transaction_date": ""}'),
    ('{"_id": "bad-date-10", "user_id": "USER1", "payment_amount": 10, "transaction_date": "2026-03-10T25:00:00Z"}'),
    ('{"_id": "bad-date-11", "user_id": "USER1", "payment_amount": 10, "transaction_date": "03/10/2026"}'),
    ('{"_id": "bad-date-12", "user_id": "USER1", "payment_amount": 10, "transaction_date": {"$date": "2026-13-01T00:00:00Z"}}'),
    ('{"_id": "bad-date-13", "user_id": "USER1", "payment_amount": 10, "transaction_date": {"$date": {"$numberLong": "abc"}}}'),
    ('{"_id": "bad-date-14", "user_id": "USER1", "payment_amount": 10, "transaction_date": 1773136800000}'),
    ('{"_id": "bad-date-15", "user_id": "USER1", "payment_amount": 10, "transaction_date": {"$date": "now"}}'),
    ('{"_id": "bad-date-16", "user_id": "USER1", "payment_amount": 10, "transaction_date": null}')
)

select
    cast(
        replace(bad_documents.document, 'USER1', cast(cast(md5('glofox-app-user-1') as uuid) as text))
        as jsonb
    ) as document,
    timestamptz '2026-03-11 00:00:00+00' as loaded_at
from bad_documents;

-- Payments (valid ones) by users unknown to app.users: they are payments (A2 does not
-- require a known user) but no new user owns them, and no message joins them.
insert into app.payment_events (document, loaded_at)
select
    jsonb_build_object(
        '_id', jsonb_build_object('$oid', substr(md5('glofox-pay-unknown-' || n), 1, 24)),
        'user_id', cast(cast(md5('glofox-app-unknown-payer-' || (n % 4)) as uuid) as text),
        'payment_amount', to_jsonb(round(cast(10 + n * 3.25 as numeric), 2)),
        'transaction_date', to_char(timestamp '2026-02-20' + n * interval '2 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    ) as document,
    timestamptz '2026-03-20 00:00:00+00' + n * interval '1 minute' as loaded_at
from generate_series(1, 8) as n;

-- A4 window edges for the as-of date 2026-03-31, paid by the non-member app user
-- md5('glofox-app-user-2'): inside
-- at 2026-03-02 00:00:00 and 2026-03-31 23:59:59.999999; outside at 2026-03-01
-- 23:59:59.999999 and 2026-04-01 00:00:00.
insert into app.payment_events (document, loaded_at)
select
    jsonb_build_object(
        '_id', edges.id,
        'user_id', cast(cast(md5('glofox-app-user-2') as uuid) as text),
        'payment_amount', edges.amount,
        'transaction_date', edges.transaction_date
    ) as document,
    timestamptz '2026-04-01 06:00:00+00' as loaded_at
from (
    values
    ('edge-before-window', to_jsonb(1.01), to_jsonb(text '2026-03-01T23:59:59.999999Z')),
    ('edge-window-start', to_jsonb(2.02), to_jsonb(text '2026-03-02T00:00:00Z')),
    ('edge-window-end', to_jsonb(4.04), jsonb_build_object('$date', '2026-03-31T23:59:59.999999Z')),
    ('edge-after-window', to_jsonb(8.08), jsonb_build_object('$date', jsonb_build_object('$numberLong', '1775001600000')))
) as edges (id, amount, transaction_date);

-- Extreme times (after every random draw above, so they change none of them): app users
-- who are not gym members, signed up at 'infinity', '-infinity', 0001-01-01 and 9999-12-31,
-- each with a message sent at that time, and a payment dated 9999-12-31. None stops a run:
-- times before the first day of the daily facts are listed in audit_app__rows_set_aside
-- (A4), times after today count for no window yet, and the words 'infinity' / '-infinity'
-- are not payment dates (A2).
insert into app.users (id, created_at, last_active) values
    ('aaaaaaaa-0000-4000-8000-0000000000a1', 'infinity', 'infinity'),
    ('aaaaaaaa-0000-4000-8000-0000000000a2', '-infinity', '-infinity'),
    ('aaaaaaaa-0000-4000-8000-0000000000a3', '0001-01-01 00:00:00', '0001-01-01 00:00:00'),
    ('aaaaaaaa-0000-4000-8000-0000000000a4', '9999-12-31 23:59:59', '9999-12-31 23:59:59');

insert into app.messages (id, conversation_id, user_id, created_at)
select
    cast(md5('glofox-app-message-extreme-' || users.id) as uuid) as id,
    cast(md5('glofox-app-conversation-1') as uuid) as conversation_id,
    users.id as user_id,
    users.created_at
from app.users as users
where cast(users.id as text) like 'aaaaaaaa-0000-4000-8000-0000000000a_'
order by users.id;

insert into app.payment_events (document, loaded_at) values
    ('{"_id": "extreme-year-9999", "user_id": "aaaaaaaa-0000-4000-8000-0000000000a4", "payment_amount": 4.5, "transaction_date": {"$date": "9999-12-31T23:59:59Z"}}', '2026-03-25 00:00:01+00'),
    ('{"_id": "extreme-infinity", "user_id": "aaaaaaaa-0000-4000-8000-0000000000a1", "payment_amount": 5.5, "transaction_date": {"$date": "infinity"}}', '2026-03-25 00:00:02+00'),
    ('{"_id": "extreme-minus-infinity", "user_id": "aaaaaaaa-0000-4000-8000-0000000000a2", "payment_amount": 6.5, "transaction_date": {"$date": "-infinity"}}', '2026-03-25 00:00:03+00');

-- Ids the replica does not keep unique (after every random draw above, so they change none
-- of them, nor any figure): three gym members who signed up in March appear again, one as an
-- exact copy, one signed up 3 days later, one with no signup time, and a row has no id. A5
-- keeps each id's earliest signup (int_app_users) and lists the other rows in
-- audit_app__rows_set_aside. A message row has no id: it counts for its sender like any
-- other (A7 counts senders on their days). A payment dated before the first day of the daily
-- facts is listed there too and is no user's first payment (A10): the member who pays it
-- keeps the retention cohort of their later first payment.
insert into app.users (id, created_at, last_active)
select
    id,
    case copy_no
        when 1 then created_at
        when 2 then created_at + interval '3 days'
    end as created_at,
    last_active
from (
    select
        id,
        created_at,
        last_active,
        row_number() over (order by id) as copy_no
    from app.users
    where created_at >= timestamp '2026-03-02' and created_at < timestamp '2026-03-25'
) as picked
where copy_no <= 3
order by id;

insert into app.users (id, created_at, last_active) values
    (null, '2026-03-20 12:00:00', '2026-03-21 08:00:00');

insert into app.messages (id, conversation_id, user_id, created_at)
select null, conversation_id, user_id, created_at + interval '1 second'
from app.messages
where user_id is not null and created_at >= timestamp '2026-03-10'
order by id
limit 1;

insert into app.payment_events (document, loaded_at)
select
    jsonb_build_object(
        '_id', 'before-the-facts-1',
        'user_id', cast(paid.user_id as text),
        'payment_amount', 19.99,
        'transaction_date', jsonb_build_object('$date', '2025-09-20T10:00:00Z')
    ),
    timestamptz '2026-03-25 00:00:04+00'
from (
    -- The payer whose first payment is the earliest of the 2026-03-31 retention cohort.
    select user_id, min(paid_at) as first_paid_at
    from sample_payments
    group by user_id
) as paid
where paid.first_paid_at >= timestamp '2026-01-31' and paid.first_paid_at < timestamp '2026-03-02'
order by paid.first_paid_at, paid.user_id
limit 1;

drop table sample_payments;
drop table sample_users;

reset client_min_messages;
-- <<< section: app

-- >>> section: experiments (docs/rules.md, A/B tests)
-- The A/B test assignments (docs/rules.md, A/B tests), with one sample experiment
-- written by us: `onboarding_checklist`, launched 2025-10-01, assigns every new app user at
-- signup (assigned_at = app.users.created_at) to control or treatment, 50/50, by a hash of
-- the user id (deterministic, no random()). Needs the app section above (app.users,
-- app.messages, app.conversations).
--
-- Planted effect (the report must recover it; tests/python/test_experiment_report.py):
-- a treatment user is "nudged" with probability 0.60 (another hash of the id), and a nudged
-- user sends one extra message 0-27 days after signup, inside the 30-day conversion window
-- (E3). So treatment lifts 30-day conversion by 0.60 x (1 - baseline) in expectation: with
-- the sample's baseline of about 70%, about +18 percentage points. Retention (E4) depends on
-- payments only: its true effect is 0.
--
-- Also in the data, as in a real assignment log:
-- - repeated exposures: about 1 user in 3 is logged again 1-3 times, same variant, later
--   (E1 keeps the earliest);
-- - crossovers: 8 users are logged later in the other variant too (E1 excludes them and
--   counts them);
-- - dirty rows, set aside by the models with a reason: a NULL user_id, a NULL assigned_at,
--   an unknown variant 'holdout'; and a variant written ' Treatment' (trimmed and
--   lower-cased, it is used).
set client_min_messages = warning;

-- cascade: the dbt staging view built on it goes too (dbt rebuilds it).
drop table if exists app.experiment_assignments cascade;

create table app.experiment_assignments (
    user_id uuid,
    experiment_key text,
    variant text,
    assigned_at timestamp
);

-- The experiment's users: app users who signed up since the launch, before the sample's end
-- (a NULL or implausible signup, e.g. 1900 or 2100, is not a new user of the experiment).
create temporary table experiment_users as
select distinct on (users.id)
    users.id as user_id,
    users.created_at as signed_up_at,
    decode(md5('onboarding_checklist:' || cast(users.id as text)), 'hex') as user_hash
from app.users as users
where
    users.created_at >= timestamp '2025-10-01'
    and users.created_at < timestamp '2026-04-01'
-- A user id the replica repeats is one user, signed up at its earliest time.
order by users.id, users.created_at;

-- First exposures: at signup, 50/50 by the first byte of the hash.
insert into app.experiment_assignments (user_id, experiment_key, variant, assigned_at)
select
    user_id,
    'onboarding_checklist' as experiment_key,
    case when get_byte(user_hash, 0) % 2 = 0 then 'control' else 'treatment' end as variant,
    signed_up_at as assigned_at
from experiment_users
order by user_id;

-- Repeated exposures (E1): same variant, 1-3 more times, each 1-9 days after the previous.
insert into app.experiment_assignments (user_id, experiment_key, variant, assigned_at)
select
    experiment_users.user_id,
    'onboarding_checklist' as experiment_key,
    case when get_byte(experiment_users.user_hash, 0) % 2 = 0 then 'control' else 'treatment' end
        as variant,
    experiment_users.signed_up_at
    + repeat_no * make_interval(days => 1 + get_byte(experiment_users.user_hash, 3) % 9)
    + make_interval(mins => get_byte(experiment_users.user_hash, 4)) as assigned_at
from experiment_users
cross join lateral generate_series(1, 1 + get_byte(experiment_users.user_hash, 2) % 3) as repeat_no
where get_byte(experiment_users.user_hash, 2) % 3 = 0
order by experiment_users.user_id, repeat_no;

-- Crossovers (E1): the 8 users with the smallest hashes (among those who signed up before
-- 2026-03-01) are logged in the other variant too, 2 days after signup.
insert into app.experiment_assignments (user_id, experiment_key, variant, assigned_at)
select
    user_id,
    'onboarding_checklist' as experiment_key,
    case when get_byte(user_hash, 0) % 2 = 0 then 'treatment' else 'control' end as variant,
    signed_up_at + interval '2 days' as assigned_at
from experiment_users
where signed_up_at < timestamp '2026-03-01'
order by user_hash
limit 8;

-- Dirty rows: each is set aside by the models with its reason; the last one is used.
insert into app.experiment_assignments (user_id, experiment_key, variant, assigned_at)
select user_id, experiment_key, variant, assigned_at
from (
    values
    (cast(null as uuid), 'onboarding_checklist', 'control', timestamp '2025-12-01 10:00:00'),
    (cast(md5('glofox-app-user-1') as uuid), 'onboarding_checklist', 'control', cast(null as timestamp)),
    (cast(md5('glofox-app-user-2') as uuid), 'onboarding_checklist', 'holdout', timestamp '2025-12-02 10:00:00')
) as dirty (user_id, experiment_key, variant, assigned_at);

update app.experiment_assignments
set variant = ' Treatment'
where (user_id, assigned_at) = (
    select user_id, assigned_at
    from app.experiment_assignments
    where variant = 'treatment'
    order by assigned_at, user_id
    limit 1
);

-- The planted effect: nudged treatment users (first exposure in treatment, hash bytes 5-6
-- below 0.60 x 65536, not crossovers) send one message 0-27 days and a few hours after
-- signup, in one of the app section's conversations. Only messages before the sample's end
-- (2026-04-01) are written.
insert into app.messages (id, conversation_id, user_id, created_at)
select
    cast(md5('glofox-experiment-nudge-' || cast(experiment_users.user_id as text)) as uuid) as id,
    cast(md5('glofox-app-conversation-' || (1 + get_byte(experiment_users.user_hash, 7) % 600)) as uuid)
        as conversation_id,
    experiment_users.user_id,
    experiment_users.signed_up_at
    + make_interval(days => get_byte(experiment_users.user_hash, 8) % 28)
    + make_interval(mins => get_byte(experiment_users.user_hash, 9) * 5) as created_at
from experiment_users
where
    get_byte(experiment_users.user_hash, 0) % 2 = 1
    and get_byte(experiment_users.user_hash, 5) * 256 + get_byte(experiment_users.user_hash, 6)
    < 0.60 * 65536
    and not exists (
        select 1
        from app.experiment_assignments as assignments
        where
            assignments.user_id = experiment_users.user_id
            and assignments.variant = 'control'
    )
    and experiment_users.signed_up_at
    + make_interval(days => get_byte(experiment_users.user_hash, 8) % 28)
    + make_interval(mins => get_byte(experiment_users.user_hash, 9) * 5) < timestamp '2026-04-01'
order by experiment_users.user_id;

-- last_active follows the messages (as the app section sets it).
update app.users as users
set last_active = greatest(users.last_active, nudges.created_at)
from app.messages as nudges
where
    nudges.user_id = users.id
    and nudges.id = cast(md5('glofox-experiment-nudge-' || cast(users.id as text)) as uuid);

drop table experiment_users;

reset client_min_messages;
-- <<< section: experiments
