"""The demo community's moderation queue: posts the NPS gate held in the last days, and what became of them.

Plain records, read by forum/demo/load.py after the survey (the community is guarded, Integrations
strict: docs/rules.md, The NPS gate). The authors are newcomers (fewer than
MODERATION_GUARDED_POSTS published posts), so the gate holds their posts; a held answer names its
question by the thread's title (forum/demo/threads.py). `decision` is (action, reason, note, hours
after posting) by MODERATOR; `release` lets `forum tick` publish the post at its release time;
`appeal` is (hours after the rejection, the author's note), decided by another moderator; a post
without either is still in the queue.
"""

MODERATOR = "lin_mod"

HELD = [
    {
        "key": "consultancy-ad", "author": "noah_j", "days": 6, "kind": "answer",
        "question": "Why does COUNT(DISTINCT) take so long on 2 billion rows?",
        "body": "We fix slow warehouses for a flat fee! Book a free call at noah-data-consulting.example.com "
                "and mention this forum for 20% off.",
        "decision": ("reject", "spam",
                     "Advertising is not allowed here. You are welcome to share how you would tune the query.", 3),
    },
    {
        "key": "first-question", "author": "omar_h", "days": 4.2, "kind": "question",
        "category": "getting-started", "tags": ["workspaces", "roles"],
        "title": "Can a workspace have two owners?",
        "body": "Our team lead is leaving for a month. Can I make a second person owner of the workspace "
                "without removing the first one, or is there a deputy role?",
        "decision": ("approve", None, "Welcome, Omar! Published — the workspace settings page has the answer too.", 2.5),
    },
    {
        "key": "released-answer", "author": "he_xin", "days": 3, "kind": "answer",
        "question": "同比、环比在报表里怎么计算？",
        "body": "我们是在计算字段里用 `LAG()` 取上一期的值，再算 `(本期 - 上期) / 上期`，"
                "同比就把窗口按年份分区。仪表盘里直接选“显示为百分比”即可。",
        "release": True,
    },
    {
        "key": "appealed-answer", "author": "lena_k", "days": 2.5, "kind": "answer",
        "question": "Where do I find the query history of a colleague?",
        "body": "We export the audit log every night to our own bucket; every query a colleague ran is in "
                "there with its text and duration, and an admin can search it.",
        "decision": ("reject", "off_topic", "This is about the audit log, not the query history page.", 4),
        "appeal": (20, "The audit log is exactly where a colleague's query history is when you are not "
                       "their admin — please read it again."),
    },
    {
        "key": "strict-negative", "author": "ivan_p", "days": 0.4, "kind": "question",
        "category": "integrations", "tags": ["connectors", "loading"],
        "title": "Nightly sync failed again after connector 3.4.2",
        "body": "The nightly sync failed again last night, for the third time this month. The update broke it "
                "and the error message is useless. This is really frustrating.",
    },
    {
        "key": "waiting-question", "author": "grace_o", "days": 0.2, "kind": "question",
        "category": "sql-performance", "tags": ["performance", "warehouses"],
        "title": "Is a 40-minute materialized view refresh normal?",
        "body": "Our materialized view over 300 million rows takes 40 minutes to refresh on a medium warehouse. "
                "Is that expected, or should incremental refresh kick in?",
    },
]

FLAGGED = [
    # an answer by a regular (published at once), hidden when FLAGS_TO_HIDE flaggers flag it
    {
        "key": "personal-data", "author": "ben_c", "days": 1.2,
        "question": "Recommended warehouse size for a team of 5 analysts?",
        "body": "Ask Mark in Acme sales, he sized ours. His mobile is +1 415 555 0142 and his private e-mail is "
                "mark.h@mail.example.com — tell him Ben sent you.",
        "flags": [
            # flagger, hours after posting, reason, note
            ("rahul_n", 2, "personal_data", "A phone number and a private e-mail address of someone else."),
            ("mgarcia", 3.5, "personal_data", ""),
            ("zhao_min", 5, "personal_data", "包含他人的私人联系方式。"),
        ],
    },
]
