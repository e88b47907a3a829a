"""The demo community's NPS survey: answers over the last six months and customer success's follow-ups.

Plain records, read by forum/demo/load.py. The story: members were happy until the connector
release of about five weeks ago broke syncs for several teams; most detractors since then answered
about Integrations, which has enough answers of its own to be in strict mode, while the community
as a whole is guarded (docs/rules.md: The NPS gate). Every detractor's answer opened a follow-up;
the cs member worked through most of them.
"""

CS_MEMBER = "wei_cs"  # writes the follow-up notes

NPS_ANSWERS = [
    # username, days ago, score (0–10), category slug (or None), comment
    # -- before the window: a happy community
    ("hannah_l", 170, 9, "getting-started", "Onboarding our analysts took an afternoon. Great docs."),
    ("ma_jun", 165, 10, "data-reports", "报表功能很强大，团队都很喜欢。"),
    ("wu_ting", 160, 8, "integrations", "连接器够用，但希望支持更多国产数据库。"),
    ("mgarcia", 155, 10, "sql-performance", "The query engine keeps getting faster. Love it."),
    ("wang_lei", 150, 9, "data-reports", "中文社区回答很快，产品也很稳定。"),
    ("zhao_min", 145, 9, None, "整体体验很好，推荐给了同行。"),
    ("dkowalski", 140, 7, "getting-started", "Good product, the permissions model took a while to learn."),
    ("ivan_p", 130, 3, "billing", "Credits ran out mid-month without any warning. Not happy."),
    ("olivia_t", 125, 9, "sql-performance", ""),
    ("rahul_n", 118, 10, "integrations", "The Airflow provider is excellent."),
    ("tang_yu", 110, 8, None, "挺好用的，就是导出偶尔有点慢。"),
    ("felix_b", 100, 5, "integrations", "The REST API rate limits are too tight for our backfills."),
    # -- the window (NPS_WINDOW_DAYS): the other categories stay positive
    ("jpark", 85, 9, "sql-performance", "Query speed after the warehouse upgrade is great."),
    ("li_na", 80, 10, "data-reports", "仪表盘分享给老板后他也开始用了，太方便了。"),
    ("hannah_l", 76, 9, "getting-started", "Still the easiest tool we have rolled out."),
    ("ma_jun", 72, 10, "integrations", "新的 MySQL 连接器配置非常简单。"),
    ("wu_ting", 68, 8, "integrations", "连接器稳定，希望增加字段映射的预览。"),
    ("yuki_t", 64, 9, "integrations", "The dbt integration saved us a week of work."),
    ("mgarcia", 62, 10, "integrations", "Connectors plus the SDK cover everything we need."),
    ("deng_chao", 58, 9, "integrations", "同步任务的调度很灵活。"),
    ("wang_lei", 57, 9, "data-reports", "报表模板越来越丰富了。"),
    ("he_xin", 55, 8, "integrations", "还不错，文档可以再详细一些。"),
    ("emma.s", 53, 9, "integrations", "Snowflake sync just works."),
    ("zhao_min", 52, 10, "data-reports", "金融行业的同行都在问我们用的是什么工具。"),
    ("grace_o", 50, 7, "integrations", "Fine overall; the connector logs are hard to read."),
    ("omar_h", 47, 9, "integrations", "Setting up the S3 connector was painless."),
    ("lena_k", 45, 8, "integrations", "Works well, the error messages could be clearer."),
    ("kim_s", 44, 9, None, "Helpful community, quick answers from the Acme team."),
    ("cai_lin", 42, 9, "integrations", "API 很好用，Python SDK 也很顺手。"),
    ("priya_k", 40, 7, "integrations", "Solid, but the webhook retries are a black box."),
    ("ryan_d", 37, 9, "integrations", "Our game telemetry lands in minutes now."),
    # -- the connector release of five weeks ago: Integrations turns negative
    ("ivan_p", 34, 4, "integrations", "Since the last connector release our nightly sync fails twice a week."),
    ("liu_yang", 32, 3, "integrations", "升级后增量同步经常丢数据，影响了我们的日报。"),
    ("mia_c", 30, 6, "integrations", "The Postgres connector times out on large tables since the update."),
    ("olivia_t", 30, 8, "billing", "Billing is clear; SSO setup could be simpler."),
    ("dkowalski", 28, 5, "integrations", "Schema changes now break the sync instead of being picked up."),
    ("tom_b", 26, 8, "integrations", "A few sync hiccups lately, support helped quickly."),
    ("rahul_n", 25, 9, "sql-performance", "Still my favourite warehouse, whatever the connector trouble."),
    ("feng_yi", 24, 2, "integrations", "同步失败没有任何提示，我们三天后才发现。"),
    ("noah_j", 22, 7, "integrations", "OK, but the release notes did not mention the breaking change."),
    ("guo_tao", 20, 10, "getting-started", "新手教程写得很清楚，上手很快。"),
    ("chen_jing", 18, 4, "integrations", "连接器更新后字段类型变了，报表全乱了。"),
    ("sun_hao", 16, 6, "integrations", "接口超时越来越多，希望尽快修复。"),
    ("sofia.m", 14, 0, "integrations", "Our pipeline has been down for two days. This is unacceptable."),
    ("alex_w", 12, 8, "integrations", "The hotfix helped; fingers crossed."),
    ("tang_yu", 10, 3, "integrations", "修复版本还是有问题，连接经常断开。"),
    ("huang_li", 8, 2, "billing", "发票抬头改了三次都没生效，客服也没回复。"),
    ("zhou_qiang", 7, 9, "integrations", "客服帮我们回滚了连接器版本，问题解决了，点赞。"),
    ("ben_c", 5, 5, "integrations", "Sync lag went from minutes to hours after the update."),
    ("nadia_r", 4, 7, "integrations", "Decent, though the connector docs lag behind the product."),
    ("felix_b", 1.5, 4, "integrations", "Backfills still fail with the new connector version."),
    ("lucas_f", 0.8, 2, "integrations", "We lost a day of events in the Kafka sync. Very frustrating."),
]

FOLLOWUPS = [
    # username, days ago of their detractor answer (NPS_ANSWERS), steps by CS_MEMBER:
    # (hours after the answer, status, note). A detractor answer not listed stays open.
    ("ivan_p", 130, [(20, "contacted", "Called Ivan: explained the credit alerts and set one up for his workspace."),
                     (72, "resolved", "Credit alerts are on; he confirmed no surprise this month.")]),
    ("felix_b", 100, [(30, "resolved", "Raised the API limit for Bluefin's backfill window; Felix is fine with it.")]),
    ("ivan_p", 34, [(10, "contacted", "Reproduced the failing nightly sync; engineering ticket CONN-812."),
                    (96, "resolved", "Fixed in connector 3.4.2; Ivan's syncs ran clean for three nights.")]),
    ("liu_yang", 32, [(30, "contacted", "已电话联系刘洋，确认是增量同步的游标问题，已提交工单。"),
                      (120, "resolved", "3.4.2 修复后重新回填了缺失数据，客户确认日报恢复正常。")]),
    ("mia_c", 30, [(40, "resolved", "Large-table timeout raised to 30 minutes for Tinker Labs; confirmed by Mia.")]),
    ("dkowalski", 28, [(20, "contacted", "Dana shared the failing schema; schema drift handling is on the roadmap."),
                       (144, "resolved", "Enabled the schema-evolution preview for Northwind; syncs pick up new columns.")]),
    ("feng_yi", 24, [(12, "contacted", "已联系冯毅，为他的同步任务开启了失败邮件提醒。"),
                     (72, "resolved", "失败提醒已生效，客户表示满意。")]),
    ("chen_jing", 18, [(26, "contacted", "字段类型映射问题已复现，已给出临时的类型转换配置。"),
                       (96, "resolved", "客户按配置修改后报表恢复，问题关闭。")]),
    ("sun_hao", 16, [(30, "contacted", "已联系孙浩，收集了超时的请求编号。"),
                     (80, "contacted", "第二次沟通：工程团队确认是网关限流，正在调整。"),
                     (150, "resolved", "网关调整后超时消失，客户确认。")]),
    ("sofia.m", 14, [(20, "resolved", "Restored Sofia's pipeline with the rollback build and credited two days.")]),
    ("tang_yu", 10, [(40, "contacted", "已联系唐雨，连接断开与其网络代理的超时设置有关。"),
                     (144, "resolved", "调整代理超时后连接稳定，客户确认。")]),
    ("huang_li", 8, [(70, "contacted", "已联系黄丽，发票抬头问题转给了财务团队，等待处理。")]),
    ("felix_b", 1.5, [(6, "contacted", "Asked Felix for the backfill job ids; engineering is looking at them.")]),
]
