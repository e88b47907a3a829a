"""`flask forum demo`: the idea board of the demo community (registered after the Q&A loaders).

Every idea goes through the ideas actions as it would in real use: submitted by a member, held
and approved by the moderator from the queue, supported by members (with importance and a short
comment), decided by the product team with a public note, merged or expired by the deadline job.
The clock is pinned to each step's moment (``Demo.at``), so points, events, history and deadlines
carry believable times. With the default IDEA_STAGES stage 1 (10 supporters) is reachable with the
demo's members; review (1000 supporters) is not, so the decisions shown are early ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from forum.demo import Demo, demo_loader

# Each idea: key, author, category slug, submitted days ago, title, description, number of
# supporters, supporters' comments (username, importance, text), optional "decisions" ((status,
# note, release URL, days after publishing), …), "merge_into" (key, days after publishing),
# "expire" (the deadline job runs just after the deadline), "pending" (still in the queue),
# "updates" ((days after publishing, text) comments by the author), "discussion" ((days after
# publishing, username, text) comments by others).
IDEAS: list[dict[str, Any]] = [
    {
        "key": "dark-mode", "author": "yuki_t", "category": "sql-performance", "days": 78,
        "title": "Dark mode for the SQL workspace",
        "description": "Our analysts spend the whole day in the SQL workspace, many of them on late shifts. "
                       "A dark theme (editor, results grid and query profile) would be much easier on the eyes.",
        "supporters": 12,
        "comments": [("ben_c", "important", "Half of our team already uses a browser extension to hack this."),
                     ("priya_k", "nice_to_have", "Please keep the syntax colours readable in both themes."),
                     ("sun_hao", "important", "晚上值班的时候非常需要。")],
        "decisions": [("approved", "Planned for the October release together with the new editor.", None, 12),
                      ("shipped", "Dark mode is live for every workspace: Settings → Appearance. Thank you all!",
                       "https://docs.example.com/acme/release-notes/2026-10#dark-mode", 40)],
    },
    {
        "key": "dashboard-tz", "author": "zhao_min", "category": "data-reports", "days": 72,
        "title": "仪表盘支持按时区显示（例如北京时间）",
        "description": "现在仪表盘里的时间全部按 UTC 显示，业务同事每次都要自己加 8 小时。"
                       "希望每个仪表盘可以设置显示时区，或者跟随查看者的个人设置。",
        "supporters": 17,
        "comments": [("wang_lei", "must_have", "我们的门店报表全部按北京时间，这个非常需要。"),
                     ("liu_yang", "important", "最好能在订阅邮件里也用同样的时区。"),
                     ("yuki_t", "important", "Same for us with Tokyo time — we'd love a per-viewer setting."),
                     ("olivia_t", "nice_to_have", "")],
        "updates": [(30, "补充一下：跨时区团队希望按查看者的时区显示，单一团队按仪表盘设置就够了。")],
    },
    {
        "key": "billing-lines", "author": "dkowalski", "category": "billing", "days": 29,
        "title": "Explain every line item on the billing page",
        "description": "The invoice shows totals per service but not *why*: storage from time travel, "
                       "failsafe, serverless tasks. A short explanation and a link to the usage query per "
                       "line would save us (and your support team) a lot of back and forth.",
        "supporters": 8,
        "comments": [("alex_w", "important", "Would have saved me a support ticket last month."),
                     ("chen_jing", "important", "希望能按项目拆分费用。")],
        "decisions": [("approved", "Already on the roadmap: per-line explanations and a usage link arrive on the "
                                   "billing page this quarter.", None, 3)],
        "discussion": [(5, "wei_cs", "The design preview is in the early-access category; feedback welcome.")],
    },
    {
        "key": "wecom", "author": "liu_yang", "category": "data-reports", "days": 23,
        "title": "报表订阅支持推送到企业微信",
        "description": "报表订阅现在只能发邮件。我们公司内部沟通主要用企业微信，"
                       "希望订阅可以直接推送到企业微信群（图片 + 链接），不用再自己搭 Webhook 转发。",
        "supporters": 11,
        "comments": [("wang_lei", "must_have", "+1，门店经理每天早上只看企业微信。"),
                     ("zhou_qiang", "important", "钉钉也一起支持就更好了。"),
                     ("li_na", "important", "")],
        "discussion": [(6, "sarah_pm", "谢谢大家的支持！我们在评估原生的企业微信推送，想了解一下：你们更需要图片快照，还是可以点击的链接？"),
                       (7, "liu_yang", "两个都要：群里看图片，点进去看明细。")],
    },
    {
        "key": "wecom-dup", "author": "huang_li", "category": "data-reports", "days": 20,
        "title": "仪表盘定时发送到企业微信群",
        "description": "希望仪表盘可以定时截图发送到企业微信群，方便管理层查看。",
        "supporters": 3,
        "comments": [("sun_hao", "important", "我们也想要这个。")],
        "merge_into": ("wecom", 2),
    },
    {
        "key": "slack-alerts", "author": "olivia_t", "category": "integrations", "days": 41,
        "title": "Slack alerts when a scheduled pipeline fails",
        "description": "Today we only find out about a failed pipeline from the e-mail digest the next "
                       "morning. A Slack (or Teams) notification with the error and a link to the run would "
                       "let the on-call person react within minutes.",
        "supporters": 13,
        "comments": [("jpark", "must_have", "We page on this today with a home-made Lambda. Native would be great."),
                     ("rahul_n", "important", "Include the failing step and the first lines of the error, please."),
                     ("tom_b", "nice_to_have", "")],
        "discussion": [(3, "wei_cs", "Until this exists: a pipeline's failure webhook can post to a Slack incoming webhook. "
                                     "Happy to share the payload template."),
                       (4, "olivia_t", "Thanks Wei, that works as a stopgap, but we'd rather not maintain it.")],
    },
    {
        "key": "sheets", "author": "sofia.m", "category": "integrations", "days": 4,
        "title": "Write query results back to Google Sheets on a schedule",
        "description": "Our sales team lives in Google Sheets. A scheduled query that refreshes a sheet "
                       "(replace or append) would remove a fragile script we maintain.",
        "supporters": 3,
        "comments": [("lucas_f", "important", "Exactly what we need for our weekly KPIs.")],
    },
    {
        "key": "cte-depth", "author": "emma.s", "category": "sql-performance", "days": 55,
        "title": "Configurable recursion depth for recursive CTEs",
        "description": "The fixed limit of 100 levels breaks bill-of-materials and org-chart queries on "
                       "deep hierarchies. A session parameter (with a sane maximum) would be enough.",
        "supporters": 5,
        "comments": [("mgarcia", "nice_to_have", "A workaround is a loop in a stored procedure, but it is slow.")],
    },
    {
        "key": "oracle-federation", "author": "ben_c", "category": "integrations", "days": 66,
        "title": "Query on-premise Oracle databases live (federation)",
        "description": "Instead of copying everything, let us join Acme Cloud tables with tables in our "
                       "on-premise Oracle database at query time.",
        "supporters": 6,
        "comments": [("kim_s", "important", "Copying our ERP every night is our biggest cost.")],
        "decisions": [("not_approved", "Thank you for the detailed request. Live queries into on-premise "
                                       "databases would put customers' production systems on the query path, and "
                                       "we cannot make that reliable or secure enough. The Oracle CDC connector "
                                       "(incremental copy every few minutes) is the supported way.", None, 25)],
    },
    {
        "key": "masking", "author": "priya_k", "category": "getting-started", "days": 50,
        "title": "Column-level masking policies by role",
        "description": "We need to show e-mail addresses and phone numbers masked to analysts but in "
                       "clear to the support team, without maintaining two copies of each view.",
        "supporters": 9,
        "comments": [("olivia_t", "must_have", "A hard requirement of our auditors (health data)."),
                     ("zhao_min", "important", "金融行业的合规要求，我们也需要。")],
        "decisions": [("on_hold", "We want this too, but it depends on the new governance model (tags and "
                                  "policies) that is being redesigned. We will come back to it in the next "
                                  "review, early next year.", None, 20)],
    },
    {
        "key": "pptx-export", "author": "alex_w", "category": "data-reports", "days": 88,
        "title": "Export a dashboard to PowerPoint",
        "description": "For monthly business reviews we copy charts into slides by hand. An export to "
                       "PPTX, one chart per slide, would save hours.",
        "supporters": 4,
        "comments": [("kim_s", "nice_to_have", "")],
        "expire": True,
    },
    {
        "key": "excel-types", "author": "xu_fang", "category": "data-reports", "days": 1,
        "title": "上传 Excel 时自动识别日期和数字类型",
        "description": "用上传功能导入 Excel 后，日期和数字列全部变成了字符串，还要手动转换。"
                       "希望上传时能自动识别类型，并且允许在导入前预览和修改。",
        "supporters": 0,
        "pending": True,
    },
]

MODERATOR = "lin_mod"
PRODUCT = "sarah_pm"
IMPORTANCES = ("nice_to_have", "important", "important", "must_have", None)


def _supporters(demo: Demo, spec: dict[str, Any], author: str, start: dt.datetime,
                end: dt.datetime) -> list[tuple[dt.datetime, Any, Any, str]]:
    """(when, member, importance, comment) for the idea's supporters, in time order: those with a
    comment first, then other members (never the author or staff) who had joined by then."""
    chosen = [(demo.users[u], imp, text) for u, imp, text in spec.get("comments", [])]
    taken = {author} | {u for u, _i, _t in spec.get("comments", [])}
    others = [u for name, u in demo.users.items()
              if name not in taken and not u.is_staff and u.created_at < end - dt.timedelta(hours=2)]
    demo.rng.shuffle(others)
    for user in others[: max(0, spec["supporters"] - len(chosen))]:
        chosen.append((user, demo.rng.choice(IMPORTANCES), ""))
    rows = []
    for user, importance, text in chosen:
        earliest = max(start, user.created_at) + dt.timedelta(hours=1)
        span = max((end - earliest).total_seconds(), 60.0)
        rows.append((earliest + dt.timedelta(seconds=demo.rng.uniform(0, span)), user, importance, text))
    return sorted(rows, key=lambda r: r[0])


@demo_loader
def load_ideas(demo: Demo) -> None:
    """About a dozen ideas in English and Chinese, in every state the demo's size allows."""
    from forum import db
    from forum.ideas import actions, rules
    from forum.moderation.actions import decide_item
    from forum.moderation.queries import item_for

    users = demo.users
    made: dict[str, Any] = {}
    expiring: list[tuple[Any, dt.datetime]] = []
    for spec in IDEAS:
        author = users[spec["author"]]
        submitted = demo.ago(spec["days"], hours=demo.rng.uniform(0, 8))
        with demo.at(submitted):
            idea = actions.submit_idea(author, title=spec["title"], description=spec["description"],
                                       category_id=demo.categories[spec["category"]].id)
        made[spec["key"]] = idea
        demo.count("ideas")
        if spec.get("pending"):
            continue
        published = submitted + dt.timedelta(hours=demo.rng.uniform(2, 20))
        with demo.at(published):
            item = item_for("idea", idea.id)
            if item is not None:  # held for pre-moderation (IDEA_PREMODERATION)
                decide_item(users[MODERATOR], item, action="approve")
        deadline = published + dt.timedelta(days=rules.days_for(1))
        steps = [d[3] for d in spec.get("decisions", [])] + ([spec["merge_into"][1]] if "merge_into" in spec else [])
        if steps:
            end = published + dt.timedelta(days=min(steps))
        elif spec.get("expire"):
            end = deadline - dt.timedelta(days=3)
        else:
            end = demo.now
        for when, user, importance, text in _supporters(demo, spec, spec["author"], published, end):
            if idea.status not in rules.SUPPORTABLE:  # small IDEA_STAGES: already in review
                break
            with demo.at(when):
                actions.support_idea(user, idea, importance=importance, comment=text)
            demo.count("idea supports")
        for after_days, text in spec.get("updates", []):
            with demo.at(published + dt.timedelta(days=after_days)):
                actions.post_idea_comment(author, idea, body=text)
        for after_days, username, text in spec.get("discussion", []):
            with demo.at(published + dt.timedelta(days=after_days, hours=demo.rng.uniform(0, 8))):
                actions.post_idea_comment(users[username], idea, body=text)
            demo.count("idea comments")
        for status, note, url, after_days in spec.get("decisions", []):
            with demo.at(published + dt.timedelta(days=after_days, hours=demo.rng.uniform(1, 6))):
                actions.decide_idea(users[PRODUCT], idea, decision=status, note=note, release_url=url)
            demo.count("idea decisions")
        if "merge_into" in spec:
            target_key, after_days = spec["merge_into"]
            with demo.at(published + dt.timedelta(days=after_days, hours=2)):
                actions.merge_ideas(users[PRODUCT], idea, made[target_key])
            demo.count("merged ideas")
        if spec.get("expire"):
            expiring.append((idea, idea.deadline))
    for idea, deadline in expiring:
        when = deadline + dt.timedelta(minutes=1)
        with demo.at(when):  # the deadline job (`forum tick`) right after the deadline
            actions.expire_overdue_ideas(when)
        demo.count("expired ideas")
    db.session.flush()
