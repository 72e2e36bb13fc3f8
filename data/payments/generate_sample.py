"""Write payments_sample.jsonl, the sample payment stream `make run` loads (spec A3).

Deterministic (a fixed seed, no database): run `python data/payments/generate_sample.py`
from the repository root and the same file comes out. The ids follow setup.sql:
- gym members: md5('glofox-user-' || n) as a UUID, n = 1..360 (setup.sql glofox section);
  n = 301..360 signed up in March 2026 at 2026-03-01 + (first 7 hex digits of the md5) mod
  31 days, in seconds;
- app users who are not gym members: md5('glofox-app-user-' || n) as a UUID, n = 1..50;
- payers unknown to app.users: md5('glofox-app-unknown-payer-' || n) as a UUID, n = 0..3.

What the file holds, in mongoexport's format (one Extended-JSON document a line):
- 240 new payments, 2026-03-10 .. 2026-04-20 (the last ones after the README's as-of date
  2026-03-31), in every shape the spec allows (A1, A2);
- exact re-deliveries (A1) of documents setup.sql loaded (the window-edge and unknown-payer
  documents), of documents earlier in this file, and two with the same _id but another
  amount (the first loaded wins);
- valid JSON that is not a payment (A2: loaded, then audited by the models);
- lines that are not JSON at all (A3: the loader writes them to the rejects file).
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).with_name("payments_sample.jsonl")
WINDOW_END = datetime(2026, 4, 21)


def md5_uuid(text: str) -> str:
    return str(uuid.UUID(hashlib.md5(text.encode()).hexdigest()))


def member_signup(n: int) -> datetime:
    """The dim_user created_at of a March member, as setup.sql's glofox section computes it."""
    h1 = int(hashlib.md5(f"glofox-user-{n}".encode()).hexdigest()[:7], 16)
    return datetime(2026, 3, 1) + timedelta(seconds=h1 % (31 * 86400))


def compact(document: object) -> str:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def amount_shape(k: int, amount: float) -> object:
    text = f"{amount:.2f}"
    return [amount, text, {"$numberDecimal": text}][k % 3]


def date_shape(k: int, paid_at: datetime) -> object:
    """The eight date shapes of setup.sql, paid_at in UTC."""
    shape = k % 8
    if shape == 0:
        return {
            "$date": paid_at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{paid_at.microsecond // 1000:03d}Z"
        }
    if shape == 1:
        millis = int(paid_at.replace(tzinfo=UTC).timestamp() * 1000)
        return {"$date": {"$numberLong": str(millis)}}
    if shape == 2:
        return (paid_at + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S+02:00")
    if shape == 3:
        return paid_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    if shape == 4:
        return paid_at.strftime("%Y-%m-%dT%H:%M:%S")
    if shape == 5:
        return paid_at.strftime("%Y-%m-%d")
    if shape == 6:
        local = paid_at - timedelta(hours=5)
        return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}-05:00"
    return {"$date": (paid_at + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%f+01:00")}


def new_payments(rng: random.Random) -> list[str]:
    lines = []
    for k in range(1, 241):
        pick = rng.random()
        if pick < 0.45:
            n = rng.randint(301, 360)
            user_id = md5_uuid(f"glofox-user-{n}")
            start = max(member_signup(n), datetime(2026, 3, 10))
        elif pick < 0.8:
            user_id = md5_uuid(f"glofox-user-{rng.randint(1, 300)}")
            start = datetime(2026, 3, 10)
        else:
            user_id = md5_uuid(f"glofox-app-user-{rng.randint(1, 50)}")
            start = datetime(2026, 3, 10)
        paid_at = start + rng.random() * (WINDOW_END - start)
        paid_at = paid_at.replace(microsecond=paid_at.microsecond // 1000 * 1000)
        if k % 10 < 7:
            doc_id: object = {"$oid": hashlib.md5(f"glofox-stream-{k}".encode()).hexdigest()[:24]}
        else:
            doc_id = f"stream_{k:06d}"
        lines.append(
            compact(
                {
                    "_id": doc_id,
                    "user_id": user_id.upper() if k % 61 == 7 else user_id,
                    "payment_amount": amount_shape(k, round(5 + rng.random() * 145, 2)),
                    "transaction_date": date_shape(k, paid_at),
                }
            )
        )
    return lines


def setup_sql_redeliveries() -> list[str]:
    """Documents setup.sql loads whose content does not depend on random draws."""
    user2 = md5_uuid("glofox-app-user-2")
    edges = [
        ("edge-before-window", 1.01, "2026-03-01T23:59:59.999999Z"),
        ("edge-window-start", 2.02, "2026-03-02T00:00:00Z"),
        ("edge-window-end", 4.04, {"$date": "2026-03-31T23:59:59.999999Z"}),
        ("edge-after-window", 8.08, {"$date": {"$numberLong": "1775001600000"}}),
    ]
    lines = [
        compact({"_id": i, "user_id": user2, "payment_amount": a, "transaction_date": d})
        for i, a, d in edges
    ]
    for n in range(1, 9):
        paid_at = datetime(2026, 2, 20) + timedelta(days=2 * n)
        lines.append(
            compact(
                {
                    "_id": {
                        "$oid": hashlib.md5(f"glofox-pay-unknown-{n}".encode()).hexdigest()[:24]
                    },
                    "user_id": md5_uuid(f"glofox-app-unknown-payer-{n % 4}"),
                    "payment_amount": round(10 + n * 3.25, 2),
                    "transaction_date": paid_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
            )
        )
    return lines


def not_payments() -> list[str]:
    """Valid JSON, but not payments (A2): loaded, then listed by the audit model."""
    user = md5_uuid("glofox-app-user-3")
    return [
        compact(["stream", "array"]),
        compact(
            {
                "_id": {"$oid": "5f0000000000000000000a01"},
                "user_id": user,
                "transaction_date": "2026-03-20T10:00:00Z",
            }
        ),
        compact(
            {
                "_id": {"$oid": "5f0000000000000000000a02"},
                "user_id": user,
                "payment_amount": "NaN",
                "transaction_date": "2026-03-20T10:00:00Z",
            }
        ),
        compact(
            {
                "_id": {"$oid": "5f0000000000000000000a03"},
                "user_id": user,
                "payment_amount": 25,
                "transaction_date": "2026-02-30T10:00:00Z",
            }
        ),
        compact(
            {
                "_id": {"$oid": "5f0000000000000000000a04"},
                "user_id": "not-a-uuid",
                "payment_amount": 25,
                "transaction_date": "2026-03-20T10:00:00Z",
            }
        ),
        compact(None),
    ]


NOT_JSON = [
    '{"_id":{"$oid":"5f0000000000000000000b01"},"user_id":',  # cut off mid-document
    'ObjectId("5f0000000000000000000b02")',  # mongo shell syntax
    "{'_id': 'single-quotes', 'payment_amount': 10}",
    '{"_id":"trailing-comma","payment_amount":10,}',
    "--- export interrupted ---",
    '{"_id":"nan-amount","payment_amount":NaN}',
]


def main() -> None:
    rng = random.Random(20260331)
    payments = new_payments(rng)
    redelivered = setup_sql_redeliveries()
    lines: list[str] = []
    lines += payments[:120]
    lines += redelivered[:6]
    lines += [NOT_JSON[0], NOT_JSON[1]]
    lines += payments[120:200]
    lines += not_payments()[:3]
    lines += [NOT_JSON[2], NOT_JSON[3]]
    # re-deliveries of documents earlier in this file, exact ...
    lines += [payments[i] for i in (3, 17, 42, 99, 150)]
    # ... and two with the same _id but another amount: the first loaded wins (A1)
    for i in (5, 60):
        document = json.loads(payments[i])
        document["payment_amount"] = 999.99
        lines.append(compact(document))
    lines += payments[200:]
    lines += redelivered[6:]
    lines += not_payments()[3:]
    lines += NOT_JSON[4:]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(lines)} lines)")


if __name__ == "__main__":
    main()
