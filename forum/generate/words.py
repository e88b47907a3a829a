"""The generator's texts and shapes (`forum generate`): word lists, sentence pools and title
templates in English and Chinese, and the weights of how generated data is spread.

Plain records, read by forum/generate/texts.py and the generators beside it. A title template is
filled with one word of each slot, drawn in the order the slots are listed here (a seed's
sequence of draws depends on that order); ``{Feature}`` is the feature with a capital letter.
"""

CHINESE_SHARE = 0.3  # share of generated members, posts and ideas written in Chinese

# ----------------------------------------------------------------------------- questions and answers

QUESTION_TITLES = {
    "en": ["How do I {action} with {feature}?", "{Feature} {problem}",
           "Best way to {action} when {feature} {problem}?"],
    "zh": ["如何在{feature}中{action}？", "{feature}{problem}，怎么办？", "{action}的时候{feature}{problem}"],
}
QUESTION_SLOTS = {
    "en": {
        "feature": ["the SQL workspace", "dashboards", "the Python SDK", "the REST API", "the Kafka connector",
                    "the MySQL connector", "scheduled pipelines", "the Acme CLI", "warehouses", "SSO",
                    "row access policies", "time travel", "the dbt integration", "CSV export", "query history",
                    "resource monitors", "materialized views", "the Salesforce connector", "webhooks",
                    "billing"],
        "action": ["load Parquet files", "schedule a daily refresh", "share a dashboard", "rotate API keys",
                   "limit credit usage", "join two large tables", "export 10M rows", "grant read-only access",
                   "backfill a month of data", "deduplicate events", "set the default time zone",
                   "stream results in batches", "clone a database for testing", "monitor connector lag",
                   "parameterize a query", "audit who changed a table"],
        "problem": ["is slow after the upgrade", "returns a 429 error", "times out after 10 minutes",
                    "shows the wrong totals", "misses deleted rows", "fails with SSL SYSCALL error",
                    "uses more credits than expected", "drops the time zone", "loses Chinese characters"],
    },
    "zh": {
        "feature": ["仪表盘", "SQL 工作台", "Python SDK", "REST API", "MySQL 连接器", "数据同步", "定时任务", "报表订阅", "行级权限",
                    "物化视图", "CSV 导出", "查询历史", "计费", "单点登录"],
        "action": ["按天汇总数据", "设置北京时间", "导出到 Excel", "同步 MySQL 的表", "控制查询成本", "给同事只读权限", "计算次日留存", "展开 JSON 数组",
                   "计算同比和环比", "去除重复数据"],
        "problem": ["加载很慢", "中文乱码", "报错超时", "结果不正确", "丢失了删除的数据", "费用突然变高"],
    },
}
# Paragraphs are one to three sentences of a pool, joined as the language writes them.
JOINER = {"en": " ", "zh": ""}
QUESTION_SENTENCES = {
    "en": [
        "We moved from our on-premise database to Acme Cloud last quarter.",
        "The job runs every night at 02:00 UTC and usually finishes in ten minutes.",
        "Since last week it takes more than an hour and sometimes fails.",
        "I checked the query profile but nothing stands out.",
        "Our data volume roughly doubled in the last month.",
        "The warehouse is X-Small with auto-suspend at 60 seconds.",
        "Is this expected, or is there a setting I am missing?",
        "Any pointers to the relevant part of the docs would help.",
        "We tried increasing the warehouse size, which helped a little.",
        "The same query is fast when I run it in the SQL workspace.",
        "Our security team requires that credentials are never stored in scripts.",
        "This is the last blocker before we roll it out to the whole team.",
    ],
    "zh": [
        "我们上个季度从自建数据库迁移到了 Acme Cloud。",
        "任务每天凌晨两点运行，平时十分钟就能完成。",
        "从上周开始要跑一个多小时，有时还会失败。",
        "我看了查询分析，没有发现明显的问题。",
        "最近一个月数据量大概翻了一倍。",
        "请问这是正常现象吗？还是有什么设置没有打开？",
        "有没有相关的文档可以参考？",
        "业务同事希望每天早上能看到最新的数据。",
    ],
}
ANSWER_SENTENCES = {
    "en": [
        "We had the same issue; the fix was to cluster the table on the date column.",
        "Check the query profile for spilling to disk: that usually means the warehouse is too small.",
        "Use the `fetch_batches()` method instead of loading everything into memory.",
        "Turn on result caching for the dashboard; repeated refreshes then cost nothing.",
        "The connector needs `binlog_format = ROW` on the MySQL side.",
        "Set a statement timeout on the warehouse so a runaway query stops by itself.",
        "Deduplicate the staging table with `row_number()` before the merge.",
        "You can grant on future tables so new tables are covered automatically.",
        "Respect the `Retry-After` header and back off exponentially.",
        "This is fixed in the latest release; upgrading solved it for us.",
    ],
    "zh": [
        "我们也遇到过，按日期字段做聚簇之后就好了。",
        "先看一下查询分析里有没有溢出到磁盘，有的话说明仓库规格太小。",
        "建议建一张按天汇总的物化视图，报表查汇总表。",
        "导出时勾选 UTF-8 with BOM，Excel 就能正确显示中文。",
        "可以在项目设置里把默认时区改成 Asia/Shanghai。",
        "升级到最新版本就解决了。",
    ],
}
CODE_SNIPPETS = [
    "```sql\nselect date_trunc('day', created_at) as day, count(*)\nfrom orders\ngroup by 1\norder by 1;\n```",
    "```python\nfrom acme import Client\n\nclient = Client.from_env()\nfor batch in client.query(sql).fetch_batches():\n"
    "    process(batch)\n```",
    "```\nError: SSL SYSCALL error: EOF detected\n```",
    "```yaml\ntasks.max: 12\nbuffer.flush.time: 10\n```",
]
TAG_POOL = ["sql", "performance", "python", "sdk", "api", "connectors", "kafka", "mysql", "dbt", "airflow",
            "billing", "credits", "sso", "security", "dashboards", "csv", "excel", "warehouses", "json",
            "time-zones", "webhooks", "terraform", "streaming", "governance", "报表", "仪表盘", "同步", "权限", "性能",
            "编码"]

# ----------------------------------------------------------------------------- members and activity

FIRST_NAMES = ["alex", "sam", "maria", "jun", "li", "wei", "priya", "omar", "sofia", "lucas", "emma", "noah",
               "yuki", "chen", "fatima", "ivan", "nina", "raj", "zhang", "lena"]
LAST_NAMES = ["smith", "wang", "garcia", "kim", "patel", "muller", "rossi", "tanaka", "liu", "novak", "silva",
              "zhao", "haddad", "berg", "costa"]
ORG_WORDS = ["Northern", "Blue", "Golden", "Silver", "Bright", "Swift", "Pacific", "Harbor", "Summit", "Cedar",
             "云帆", "星河", "远航", "海川"]
ORG_KINDS = ["Logistics", "Analytics", "Retail", "Health", "Games", "Fintech", "Energy", "Media", "科技", "教育"]
TIERS = [
    # tier, share of organizations, ARR range (USD)
    ("benchmark", 0.2, (300_000, 900_000)),
    ("value_added", 0.3, (100_000, 300_000)),
    ("standard", 0.5, (5_000, 60_000)),
]
ACTIVITY_KINDS = [
    # kind, weight: visits >> question views >> searches >> the ask funnel (posts come from the Q&A rows)
    ("visit", 55), ("view_question", 28), ("search", 10),
    ("ask_started", 3.5), ("ask_suggestion_clicked", 2), ("ask_abandoned_after_suggestion", 1.5),
]

# The shape of a generated year (forum/generate/run.py, events.py): a day's activity is
# weekday × growth × the active members; a time of day by hour (UTC).
YEAR_DAYS = 365
WEEKDAY_WEIGHTS = (1.0, 1.08, 1.08, 1.02, 0.88, 0.38, 0.32)  # Monday … Sunday
GROWTH_START = 0.35  # the first day's activity per member against the last day's (1.0)
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 8, 9, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1)
FOUNDING_SHARE = 0.15  # members who joined when the community opened, a year ago
ANONYMOUS_SHARE = 0.15  # activity events of visitors who are not signed in (no member, no organization)
SEARCH_CATEGORY_SHARE = 0.4  # searches filtered by a category
# Churn: a share of organizations whose members go quiet: from a day in the window below (days
# before now) their activity falls to QUIET_LEVEL and their NPS answers turn to detractors.
CHURN_SHARE = 0.15
CHURN_START_DAYS = (50, 120)
QUIET_LEVEL = 0.08
# Members' activity is heavy-tailed: weight = lognormvariate(0, ACTIVITY_SIGMA).
ACTIVITY_SIGMA = 1.1
# The NPS survey: the share of members who answer, and the chance (per answer) of each group,
# moving linearly from the year's start to now; churned organizations move to CHURNED_NPS.
NPS_ANSWERING_SHARE = 0.35
NPS_START = {"promoter": 0.38, "detractor": 0.27}
NPS_END = {"promoter": 0.50, "detractor": 0.18}
CHURNED_NPS = {"promoter": 0.10, "detractor": 0.65}
NPS_DELAY_DAYS = (0, 60)  # how long after becoming eligible (or after the interval) a member answers

# ----------------------------------------------------------------------------- ideas

IDEA_TITLES = {
    "en": ["Support {feature} in {place}", "Let us {action} from {place}", "Schedule {feature} per team",
           "Export {feature} to {target}", "Alerts in {target} when {feature} fails",
           "Role-based access to {feature}", "Dark mode for {place}", "An API for {feature}"],
    "zh": ["{feature}支持{target}", "希望在{place}里{action}", "{feature}增加按部门的权限", "{place}支持深色模式",
           "{feature}支持定时推送到{target}"],
}
IDEA_SLOTS = {
    "en": {
        "feature": ["dashboards", "query history", "pipelines", "resource monitors", "row access policies",
                    "materialized views", "CSV exports", "webhooks", "cost reports", "data lineage",
                    "time travel"],
        "place": ["the SQL workspace", "the Python SDK", "the Acme CLI", "the REST API", "the dbt integration",
                  "the mobile app", "Terraform"],
        "action": ["share a dashboard", "clone a database", "rotate API keys", "cancel a running query",
                   "download query results", "tag tables"],
        "target": ["Slack", "Microsoft Teams", "Google Sheets", "PowerPoint", "PagerDuty", "Excel"],
    },
    "zh": {
        "feature": ["仪表盘", "报表订阅", "查询历史", "数据同步", "计费明细", "数据血缘", "物化视图"],
        "place": ["SQL 工作台", "手机端", "Python SDK", "命令行工具"],
        "action": ["取消正在运行的查询", "按北京时间显示", "导出到 Excel", "给同事只读权限"],
        "target": ["企业微信", "钉钉", "飞书", "Excel"],
    },
}
# A decision's public note, drawn per decision.
IDEA_NOTES = {
    "approved": ["Already on the roadmap for next quarter.", "Approved: planned for the next major release.",
                 "We will build this; the design starts this month."],
    "shipped": ["Shipped in this month's release. Thank you for the support!", "Now available to every workspace."],
    "not_approved": ["Not planned: it conflicts with how workspaces isolate data; see the alternative in the note.",
                     "We decided against this; the existing export covers most of the cases described."],
    "on_hold": ["On hold until the governance redesign lands.", "Waiting for the new permission model."],
}
# How generated ideas end (weights); "open" ones are gathering, in review or expired by their counts.
IDEA_FATES = [("open", 70), ("approved", 7), ("shipped", 4), ("not_approved", 6), ("on_hold", 4), ("pending", 6),
              ("rejected", 3)]
IDEA_IMPORTANCES = ["nice_to_have", "important", "must_have", None]  # a supporter's, drawn at random
