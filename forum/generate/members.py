"""`forum generate --members`: organizations of every tier and the members that belong to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from forum import db
from forum.accounts.models import Organization, User
from forum.generate.run import DAYS, Run, first_day, fix_sequences, insert_rows, next_id
from forum.generate.texts import chinese
from forum.generate.words import FIRST_NAMES, FOUNDING_SHARE, LAST_NAMES, ORG_KINDS, ORG_WORDS, TIERS

GENERATED_PASSWORD = "generated-password"


def generate_members(run: Run) -> None:
    """Organizations of every tier (about one per 12 members, ARR by tier) and members."""
    plan, rng = run.plan, run.rng
    org_ids: list[int] = []
    if plan.members:
        org_table, first = Organization.__table__, next_id(Organization.__table__)
        orgs = []
        for i in range(max(1, plan.members // 12)):
            tier, _share, (low, high) = rng.choices(TIERS, weights=[t[1] for t in TIERS])[0]
            orgs.append({"id": first + i, "name": f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_KINDS)} {first + i}",
                         "tier": tier, "arr": rng.randrange(low, high, 1000), "created_at": run.now - dt.timedelta(days=DAYS + 10)})
        insert_rows(org_table, orgs)
        org_ids = [o["id"] for o in orgs]
        run.count("organizations", len(orgs))
        fix_sequences([org_table])

    password_hash = generate_password_hash(GENERATED_PASSWORD)
    user_table, first = User.__table__, next_id(User.__table__)

    def rows() -> Iterable[dict[str, Any]]:
        for i in range(plan.members):
            uid = first + i
            username = f"{rng.choice(FIRST_NAMES)}_{rng.choice(LAST_NAMES)}{uid}"
            org = rng.choice(org_ids) if rng.random() < 0.8 else None
            if rng.random() < FOUNDING_SHARE:  # joined when the community opened
                created = dt.datetime.combine(first_day(run.now), dt.time()) + dt.timedelta(seconds=rng.uniform(0, 86400))
            else:  # sign-ups follow the year's growth and weekly rhythm
                created = run.moment()
            run.user_ids.append(uid)
            run.new_user_ids.append(uid)
            run.user_org[uid], run.user_created[uid] = org, created
            yield {"id": uid, "username": username, "email": f"{username}@generated.example.com",
                   "password_hash": password_hash, "display_name": "", "bio": "",
                   "locale": "zh" if chinese(rng) else "en", "points": 0, "is_ambassador": False,
                   "organization_id": org, "created_at": created}

    run.count("members", insert_rows(user_table, rows(), run))
    fix_sequences([user_table])
    if not run.user_ids:  # no new members: post as the existing ones
        for uid, org, created in db.session.execute(sa.select(User.id, User.organization_id, User.created_at)):
            run.user_ids.append(uid)
            run.user_org[uid], run.user_created[uid] = org, created
