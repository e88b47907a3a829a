"""The founding ambassadors' record: what they did before the demo's window that made them meet the
ambassador criteria (docs/rules.md: Ambassador programme — points, accepted answers, membership,
activity), and their activity in the last weeks that keeps the status alive.

Plain records, read by forum/demo/load.py, in the shapes of forum/demo/threads.py (THREADS) and
forum/demo/ideas.py (IDEAS):
- ``EARLY_THREADS``: solved questions of 140–101 days ago, each answered by an ambassador and
  accepted by the asker (loaded before the appointments, so the evidence kept with each term is real);
- ``EARLY_IDEAS``: the ambassadors' ideas the product team approved and shipped in that time (the
  idea_approved and idea_shipped points of config POINTS);
- ``RECENT_THREADS``: solved questions 17, 10 and 3 days ago answered by each ambassador: three
  distinct UTC weeks among the last four whatever the weekday (their active weeks).
"""

def _solved(category: str, days: float, asker: str, title: str, body: str, tags: list, answerer: str,
            answer: str, thanks: str = "") -> dict:
    """A solved thread in the shape of forum/demo/threads.py: one answer, accepted, thanked if `thanks`."""
    reply = (answerer, answer, [(asker, thanks)] if thanks else [])
    return {"category": category, "days": days, "asker": asker, "title": title, "body": body, "tags": tags,
            "answers": [reply], "accept": 0}


EARLY_THREADS = [
    # rahul_n (joined 168 days ago): S3, stages, Airflow
    _solved("getting-started", 140, "dkowalski", "Which IAM permissions does an external stage need?",
            "Creating a stage on our bucket fails with `AccessDenied`. Which actions does the role need?",
            ["s3", "stages"], "rahul_n",
            "`s3:GetObject`, `s3:GetObjectVersion` and `s3:ListBucket` on the prefix, and a trust policy that "
            "lets Acme's account assume the role with your external id.", "That was it: ListBucket was missing."),
    _solved("integrations", 137, "olivia_t", "Run a COPY INTO from Airflow only when new files arrive",
            "Our DAG copies every hour even when nothing new landed. Can it wait for files?",
            ["airflow", "s3"], "rahul_n",
            "Put an `S3KeySensor` with `deferrable=True` in front of the copy task; `COPY INTO` skips files it "
            "already loaded, so an extra run costs almost nothing anyway."),
    _solved("getting-started", 133, "mgarcia", "Loading Parquet files with nested columns",
            "Our Parquet files have a `struct` column. The copy puts it in one VARIANT column — is that right?",
            ["parquet", "loading"], "rahul_n",
            "Yes: load into a VARIANT and flatten in a view (`col:field::string`). Or use `MATCH_BY_COLUMN_NAME` "
            "if the struct's fields map to real columns."),
    _solved("integrations", 128, "dkowalski", "Airflow connection for Acme Cloud keeps timing out",
            "The `acme_default` connection times out after 60 seconds on long copies.",
            ["airflow"], "rahul_n",
            "Set `query_timeout` in the connection's extra JSON (seconds) and make the task asynchronous with "
            "`deferrable=True` so the worker slot is free while the copy runs."),
    _solved("sql-performance", 122, "olivia_t", "Copy from S3 is slow with thousands of small files",
            "Loading 40,000 files of 50 KB each takes an hour. Anything to speed it up?",
            ["s3", "loading"], "rahul_n",
            "Small files are the cost: compact them to 100–250 MB before loading (an S3 batch job or a Spark "
            "step), or load with a larger warehouse for that one run."),
    _solved("getting-started", 116, "priya_k", "Stage with a KMS-encrypted bucket",
            "Our bucket uses SSE-KMS with a customer key. The copy says it cannot decrypt.",
            ["s3", "security"], "rahul_n",
            "Add `kms:Decrypt` on that key to the role the stage assumes, and allow the role in the key policy.",
            "Works now, thank you!"),
    _solved("integrations", 108, "priya_k", "Backfill a month of data with Airflow without overloading",
            "We want to re-run a daily DAG for 30 days. It starts all runs at once.",
            ["airflow"], "rahul_n",
            "Set `max_active_runs=2` on the DAG and run `airflow dags backfill` — two days at a time keep the "
            "warehouse queue short."),

    # mgarcia (joined 175 days ago): performance
    _solved("sql-performance", 139, "dkowalski", "Why does my query scan the whole table despite a filter?",
            "The profile shows 100 % of partitions scanned for `WHERE shipped_on = '2026-05-01'`.",
            ["performance", "clustering"], "mgarcia",
            "The table is not clustered on `shipped_on`, so every partition may hold that day. Cluster by the date "
            "(`ALTER TABLE … CLUSTER BY (shipped_on)`) and the pruning shows up in the profile."),
    _solved("sql-performance", 134, "olivia_t", "Result cache not used for the same dashboard query",
            "Two people open the same dashboard and both queries run in full.",
            ["performance", "cache"], "mgarcia",
            "The result cache needs the same text and no volatile functions: `CURRENT_TIMESTAMP()` in the filter "
            "defeats it. Filter on `CURRENT_DATE()` instead.", "Replaced it — the second load is instant now."),
    _solved("sql-performance", 129, "rahul_n", "Spilling to remote storage in a big join",
            "A join of two 2-billion-row tables spills 800 GB to remote storage.",
            ["performance", "joins"], "mgarcia",
            "Filter and aggregate before joining, and join on integer keys rather than strings; if it still spills, "
            "a larger warehouse for that step is cheaper than the spill."),
    _solved("sql-performance", 124, "priya_k", "Is a multi-cluster warehouse worth it for dashboards?",
            "At 9:00 everyone opens dashboards and queries queue for a minute.",
            ["warehouses", "costs"], "mgarcia",
            "Yes: queueing is what multi-cluster fixes. Min 1, max 3 clusters, economy scaling; it costs only "
            "while the extra clusters run."),
    _solved("sql-performance", 118, "dkowalski", "Window function over a large partition is slow",
            "`ROW_NUMBER() OVER (PARTITION BY customer ORDER BY ts)` takes minutes.",
            ["performance", "sql"], "mgarcia",
            "Use `QUALIFY ROW_NUMBER() … = 1` so the engine can stop early, and cluster by `customer`."),
    _solved("sql-performance", 112, "olivia_t", "Materialized view or a scheduled table?",
            "We refresh an aggregate every 15 minutes with a task. Would a materialized view be cheaper?",
            ["materialized-views", "costs"], "mgarcia",
            "For a single-table aggregate, yes: the view maintains itself incrementally. Keep the task for joins, "
            "which materialized views do not support."),
    _solved("sql-performance", 105, "priya_k", "How to read the query profile's \"bytes spilled\"",
            "What is a healthy value for bytes spilled to local storage?",
            ["performance"], "mgarcia",
            "Local spill is fine in small amounts; remote spill is the one to avoid. Look at the operator that "
            "spills and reduce its input first."),

    # zhao_min (joined 165 days ago): 中文区，金融行业
    _solved("data-reports", 138, "wang_lei", "报表按月汇总时金额不对",
            "按月汇总交易金额，比财务系统少了一些，是时区的问题吗？", ["报表", "时区"], "zhao_min",
            "是的：`DATE_TRUNC('month', created_at)` 用的是 UTC。先 `CONVERT_TIMEZONE('Asia/Shanghai', created_at)` "
            "再截断，月初的交易就不会算到上个月。", "改完对上了，谢谢！"),
    _solved("data-reports", 132, "liu_yang", "仪表盘怎么给不同分行显示不同数据？",
            "同一个仪表盘，想让每个分行只看到自己的数据。", ["仪表盘", "权限"], "zhao_min",
            "用行级访问策略：建一张用户到分行的映射表，策略里按 `CURRENT_USER()` 过滤，仪表盘不用复制多份。"),
    _solved("data-reports", 126, "wang_lei", "导出 Excel 时数字变成科学计数法",
            "导出的卡号在 Excel 里显示成 6.2E+15。", ["导出", "excel"], "zhao_min",
            "把卡号列转成文本再导出（`TO_VARCHAR(card_no)`），Excel 就不会把它当数字。"),
    _solved("data-reports", 117, "sun_hao", "同比环比指标怎么写最简单？",
            "想在报表里同时显示同比和环比。", ["报表", "sql"], "zhao_min",
            "用 `LAG(amount, 1)` 算环比、`LAG(amount, 12)` 算同比（按月的序列），注意先补齐没有数据的月份。"),
    _solved("data-reports", 114, "liu_yang", "定时报表邮件收不到",
            "设置了每天 8 点发送，但是没有收到邮件。", ["报表", "邮件"], "zhao_min",
            "检查一下收件人是否在工作区成员里：外部邮箱需要管理员先加入允许列表。", "加进允许列表就好了。"),
    _solved("data-reports", 109, "wang_lei", "金额字段用 FLOAT 还是 NUMBER？",
            "汇总时出现 0.01 的误差。", ["sql", "数据类型"], "zhao_min",
            "金额一定用 `NUMBER(18, 2)`：FLOAT 是二进制浮点数，汇总会有误差。"),
    _solved("data-reports", 103, "sun_hao", "怎么限制报表查询的费用？",
            "有人在报表里拉了一年的明细，仓库跑了很久。", ["费用", "仓库"], "zhao_min",
            "给报表用的仓库设资源监控（credit quota），并设置 `STATEMENT_TIMEOUT_IN_SECONDS`，超时自动取消。"),

    # wang_lei (joined 170 days ago): 数据接入，上海用户会
    _solved("data-reports", 140, "zhao_min", "从 MySQL 同步数据到 Acme Cloud 的办法",
            "我们的订单库在 MySQL，想每小时同步一次。", ["mysql", "同步"], "wang_lei",
            "用 CDC 连接器（基于 binlog），比每小时全量导出省很多；只要开启 `binlog_format=ROW`。",
            "连接器跑起来了，延迟一分钟以内。"),
    _solved("data-reports", 135, "liu_yang", "中文列名可以用吗？",
            "业务同事希望表的列名直接用中文。", ["sql"], "wang_lei",
            "可以，用双引号括起来：`\"订单金额\"`。不过写 SQL 时每次都要加引号，建议视图里用中文、底表用英文。"),
    _solved("data-reports", 130, "zhao_min", "同步时遇到表结构变更怎么办？",
            "源表加了一列，同步任务就失败了。", ["同步", "表结构"], "wang_lei",
            "在连接器里打开「自动添加新列」；删除列和改类型仍需要手动处理。"),
    _solved("getting-started", 125, "liu_yang", "新同事怎么快速开通账号？",
            "每来一个新人都要手工建账号、分角色。", ["账号", "sso"], "wang_lei",
            "接入 SSO 并开启 SCIM，人事系统里加人后账号和角色自动同步。"),
    _solved("data-reports", 116, "sun_hao", "CSV 里有换行符导入失败",
            "备注字段里有换行，导入时报列数不一致。", ["导入", "csv"], "wang_lei",
            "文件格式里设置 `FIELD_OPTIONALLY_ENCLOSED_BY = '\"'`，带引号的字段里允许换行。", "解决了！"),
    _solved("data-reports", 113, "zhao_min", "怎么知道每天哪些表被查得最多？",
            "想清理没人用的表。", ["治理"], "wang_lei",
            "查 `ACCESS_HISTORY` 视图，按表统计最近 90 天的访问次数，没人查的表先改名观察一周再删除。"),
    _solved("data-reports", 107, "liu_yang", "时间字段导入后差了 8 小时",
            "源数据是北京时间，导入后显示早了 8 小时。", ["时区", "导入"], "wang_lei",
            "源数据不带时区时按 UTC 解析。导入时用 `TIMESTAMP_TZ` 并指定 `+08:00`，或者把会话时区设成 "
            "`Asia/Shanghai`。"),
    _solved("data-reports", 102, "sun_hao", "大表删除历史数据很慢",
            "每月删除 3 年前的数据要跑几个小时。", ["性能"], "wang_lei",
            "按日期聚簇后删除会快很多；更好的办法是建按月的表，直接删除整张旧表。"),
]

EARLY_IDEAS = [
    {
        "key": "airflow-provider", "author": "rahul_n", "category": "integrations", "days": 145,
        "title": "An official Airflow provider package",
        "description": "Every team writes its own hooks for Acme Cloud. An official provider with a hook, "
                       "a copy operator and a deferrable sensor would save everyone the work.",
        "supporters": 8,
        "decisions": [("approved", "We will publish and maintain the provider.", None, 6),
                      ("shipped", "apache-airflow-providers-acme 1.0 is on PyPI.",
                       "https://docs.example.com/acme/releases/airflow-provider", 24)],
    },
    {
        "key": "stage-check", "author": "rahul_n", "category": "getting-started", "days": 141,
        "title": "A \"test this stage\" button",
        "description": "When a stage's credentials are wrong, the first error shows at the first copy. A button "
                       "that lists the bucket and reads one file would catch it at once.",
        "supporters": 7,
        "decisions": [("approved", "Small and useful: planned for the next release.", None, 5),
                      ("shipped", "Stages now have a Test button.", "https://docs.example.com/acme/releases/stage-test", 20)],
    },
    {
        "key": "profile-tips", "author": "mgarcia", "category": "sql-performance", "days": 146,
        "title": "Tips in the query profile",
        "description": "The profile shows spills and full scans but not what to do. A short tip beside the slow "
                       "operator (cluster this column, filter earlier) would teach everyone.",
        "supporters": 9,
        "decisions": [("approved", "We like it: the first tips cover pruning and spills.", None, 7),
                      ("shipped", "The query profile now shows tips.", "https://docs.example.com/acme/releases/profile-tips", 25)],
    },
    {
        "key": "warehouse-schedule", "author": "mgarcia", "category": "sql-performance", "days": 140,
        "title": "Scheduled warehouse sizes",
        "description": "We resize our warehouse by hand before the morning dashboards and after the nightly load. "
                       "A schedule of sizes per hour would do it for us.",
        "supporters": 6,
        "decisions": [("approved", "Planned together with the new warehouse settings page.", None, 6),
                      ("shipped", "Warehouses can now follow a size schedule.", None, 22)],
    },
    {
        "key": "cn-holidays", "author": "zhao_min", "category": "data-reports", "days": 144,
        "title": "报表日历支持中国法定节假日",
        "description": "按工作日统计时需要排除法定节假日和调休，希望报表日历内置中国节假日。",
        "supporters": 8,
        "decisions": [("approved", "已排入计划，节假日数据每年更新。", None, 5),
                      ("shipped", "报表日历已支持中国法定节假日和调休。", None, 21)],
    },
    {
        "key": "cn-number-format", "author": "zhao_min", "category": "data-reports", "days": 139,
        "title": "金额按“万元/亿元”显示",
        "description": "财务报表习惯用万元、亿元作单位，希望数字格式里可以直接选择。",
        "supporters": 7,
        "decisions": [("approved", "会加入数字格式选项。", None, 6),
                      ("shipped", "数字格式已支持万元和亿元。", None, 19)],
    },
    {
        "key": "mysql-cdc", "author": "wang_lei", "category": "data-reports", "days": 147,
        "title": "MySQL 增量同步连接器",
        "description": "很多客户的业务库是 MySQL，希望有基于 binlog 的增量同步，不用每小时全量导出。",
        "supporters": 9,
        "decisions": [("approved", "CDC 连接器已排入计划。", None, 7),
                      ("shipped", "MySQL CDC 连接器正式发布。", "https://docs.example.com/acme/releases/mysql-cdc", 26)],
    },
    {
        "key": "cn-docs", "author": "wang_lei", "category": "getting-started", "days": 142,
        "title": "中文版入门文档",
        "description": "新同事看英文文档比较吃力，希望入门部分有中文版。",
        "supporters": 8,
        "decisions": [("approved", "我们会翻译入门和数据接入两部分。", None, 5),
                      ("shipped", "中文入门文档已上线。", "https://docs.example.com/acme/zh/getting-started", 23)],
    },
]

RECENT_THREADS = [
    _solved("integrations", 17, "tom_b", "dbt incremental model duplicates rows",
            "Our incremental model inserts the same rows again on every run.", ["dbt"], "rahul_n",
            "Give the model a `unique_key` and use the `merge` strategy; without a key dbt only appends."),
    _solved("getting-started", 10, "lucas_f", "Where do I find my account's S3 external id?",
            "The stage guide mentions an external id. Where is it?", ["s3", "stages"], "rahul_n",
            "Run `DESC INTEGRATION <name>`: it is the `STORAGE_AWS_EXTERNAL_ID` row.", "Found it, thanks."),
    _solved("integrations", 3, "nadia_r", "Schedule a notebook to run every night",
            "Can a notebook run on a schedule, or do I need Airflow?", ["notebooks", "scheduling"], "rahul_n",
            "Notebooks can be scheduled from their menu (Schedule…); Airflow only if it is part of a larger DAG."),
    _solved("sql-performance", 17, "emma.s", "COUNT(DISTINCT) on a billion rows is slow",
            "Dashboards need unique visitors per day and the query takes a minute.", ["performance"], "mgarcia",
            "Use `APPROX_COUNT_DISTINCT` (HyperLogLog, about 1.6 % error) or keep daily HLL states in a table and "
            "combine them."),
    _solved("sql-performance", 10, "tom_b", "Auto-suspend of 60 seconds or 10 minutes?",
            "Our warehouse suspends after 10 minutes. Is shorter cheaper?", ["warehouses", "costs"], "mgarcia",
            "For bursty dashboards 60 seconds is usually cheaper; the cache is lost on suspend, so keep longer "
            "for steady use."),
    _solved("sql-performance", 3, "yuki_t", "Clustering on two columns: which order?",
            "We filter by region and by date. Which goes first in CLUSTER BY?", ["clustering"], "mgarcia",
            "The lower-cardinality column first (region), then the date.", "Pruning went from 12 % to 95 %."),
    _solved("data-reports", 17, "huang_li", "报表里的百分比怎么保留一位小数？",
            "显示成 0.1234，想要 12.3%。", ["报表"], "zhao_min",
            "列格式选「百分比」，小数位设为 1；SQL 里不用乘 100。"),
    _solved("data-reports", 10, "chen_jing", "多个数据源的报表能放在一个仪表盘里吗？",
            "销售数据和客服数据在不同的库。", ["仪表盘"], "zhao_min",
            "可以，每个图表单独选数据源；需要联动筛选时，两边的筛选字段要同名。"),
    _solved("data-reports", 3, "xu_fang", "怎么把报表分享给没有账号的人？",
            "想给合作伙伴看一份报表。", ["报表", "分享"], "zhao_min",
            "用「公开链接」并设置有效期和密码；敏感数据建议导出 PDF 再发。", "设置了七天有效期，谢谢！"),
    _solved("data-reports", 17, "guo_tao", "Oracle 的数据能同步过来吗？",
            "我们还有一套 Oracle 系统。", ["同步", "oracle"], "wang_lei",
            "可以用 Oracle 连接器做全量加增量（基于 LogMiner），需要 DBA 开启补充日志。"),
    _solved("data-reports", 10, "chen_jing", "导入时怎么跳过错误的行？",
            "一万行里有几行格式不对，整个导入失败。", ["导入"], "wang_lei",
            "`COPY INTO` 加 `ON_ERROR = CONTINUE`，导入后用 `VALIDATE` 查看被跳过的行。"),
    _solved("data-reports", 3, "huang_li", "上海用户交流会的资料在哪里下载？",
            "上周没去成，想看看分享的幻灯片。", ["活动"], "wang_lei",
            "都放在抢先体验区的置顶帖里了，另外录像下周上线。", "找到了，谢谢王老师！"),
]
