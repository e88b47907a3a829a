"""The demo community's idea board: about a dozen ideas in English and Chinese, in every state the
demo's size allows with the default IDEA_STAGES (stage 1 at 10 supporters is reachable, review at
1000 is not, so the decisions shown are early ones).

Plain records, read by forum/demo/load.py: each idea names its category by slug and its people by
username (forum/demo/people.py).
"""

MODERATOR = "lin_mod"  # approves the held ideas from the moderation queue
PRODUCT = "sarah_pm"  # decides and merges ideas
# The importance a supporter without a comment gives, drawn at random (None: not said).
IMPORTANCES = ("nice_to_have", "important", "important", "must_have", None)

# Each idea: key, author, category slug, submitted days ago, title, description, number of
# supporters, supporters' comments (username, importance, text), optional "decisions" ((status,
# note, release URL, days after publishing), …), "merge_into" (key, days after publishing),
# "expire" (the deadline job runs just after the deadline), "pending" (still in the queue),
# "updates" ((days after publishing, text) comments by the author), "discussion" ((days after
# publishing, username, text) comments by others).
IDEAS = [
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
