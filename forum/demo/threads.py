"""The demo community's questions: about 40 threads in English and Chinese, over the last 90 days.

Plain records, read by forum/demo/load.py: each thread names its category by slug and its people by
username (forum/demo/people.py).
"""

OFFICIAL_MARKER = "wei_cs"  # the staff member who marks official answers

# Each thread: category, days ago, asker, title, body, tags, answers, and optional marks.
# An answer is (author, body) or (author, body, [(comment author, comment body), …]).
# "accept": index of the answer the asker accepts; "official": index staff mark official;
# "comments": comments on the question itself.
THREADS = [
    {
        "category": "getting-started", "days": 86, "asker": "dkowalski",
        "title": "How do I load a CSV from S3 into a new table?",
        "tags": ["s3", "loading", "csv"],
        "body": """We keep daily shipment exports in S3 (`s3://nw-exports/shipments/2026-*.csv`).
What is the simplest way to get them into an Acme Cloud table? I tried the web uploader but the
files are ~2 GB each.""",
        "answers": [
            ("rahul_n", """Use an external stage and `COPY INTO`; the uploader is meant for small files.

```sql
CREATE STAGE nw_exports
  URL = 's3://nw-exports/shipments/'
  CREDENTIALS = (ROLE_ARN = 'arn:aws:iam::123456789012:role/acme-read');

COPY INTO shipments
FROM @nw_exports
FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1)
PATTERN = '.*2026-.*[.]csv';
```

`COPY INTO` remembers which files it loaded, so you can run it every day.""",
             [("dkowalski", "Worked first time, thanks! 14 files in under 3 minutes.")]),
            ("wei_cs", """Adding to Rahul's answer: the IAM role needs `s3:GetObject` and `s3:ListBucket`
on the prefix. The [stage guide](https://docs.example.com/acme/stages) has a policy you can paste."""),
        ],
        "accept": 0, "official": 1,
    },
    {
        "category": "getting-started", "days": 84, "asker": "mgarcia",
        "title": "Difference between a workspace and a project?",
        "tags": ["workspaces"],
        "body": "The docs use both words. Do permissions live on the workspace or on the project? "
                "We want analysts to see only their team's tables.",
        "answers": [
            ("sarah_pm", """A **workspace** is your company's account: billing, SSO and users live there.
A **project** groups warehouses, schemas and dashboards; roles are granted per project.

So for your case: one workspace, one project per team, and grant the `analyst` role on each
project separately."""),
            ("priya_k", "We do exactly that at Bluefin with 6 projects. One tip: keep shared reference "
                        "data in its own project and grant read-only on it to everyone."),
        ],
        "accept": 0, "official": 0,
    },
    {
        "category": "integrations", "days": 80, "asker": "olivia_t",
        "title": "Python SDK: how to stream query results without loading everything in memory?",
        "tags": ["python", "sdk"],
        "body": """I'm running a query that returns ~40M rows from a notebook:

```python
from acme import Client

client = Client.from_env()
df = client.query("select * from claims").to_pandas()
```

The kernel dies with an out-of-memory error. Is there a way to iterate in chunks?""",
        "answers": [
            ("jpark", """Use `fetch_batches()`; it yields Arrow record batches as they arrive:

```python
result = client.query("select * from claims")
for batch in result.fetch_batches(max_rows=500_000):
    process(batch.to_pandas())
```

Memory stays flat at roughly one batch.""",
             [("olivia_t", "That's it — peak memory went from 30 GB to 1.2 GB."),
              ("mgarcia", "Does this also work with `to_polars()`?"),
              ("jpark", "Yes, `batch.to_polars()` exists since SDK 3.2.")]),
        ],
        "accept": 0,
    },
    {
        "category": "sql-performance", "days": 78, "asker": "tom_b",
        "title": "Query is slow after adding a JOIN on a VARCHAR key",
        "tags": ["sql", "performance", "joins"],
        "body": """This used to take 4 s and now takes 3 min:

```sql
select o.id, c.segment, sum(o.amount)
from orders o
join customers c on c.external_ref = o.customer_ref
group by 1, 2;
```

`external_ref` is a VARCHAR(64). Any idea what changed?""",
        "answers": [
            ("mgarcia", """Check the query profile: if `customer_ref` is `VARCHAR` on one side and `TEXT` with a
different collation on the other, the join can't use the hash join and falls back to a nested loop.
Cast one side explicitly:

```sql
join customers c on c.external_ref = o.customer_ref::varchar(64)
```"""),
            ("wei_cs", "The profile (Query history → ⋯ → Profile) shows the join strategy. If it says "
                       "`NESTED LOOP`, Marco's fix applies. Otherwise send us the query id and we'll look."),
        ],
        "accept": 0, "comments": [("rahul_n", "We hit the same after migrating from MySQL, collation was the culprit.")],
    },
    {
        "category": "billing", "days": 76, "asker": "alex_w",
        "title": "Why was I billed credits for a warehouse that was suspended?",
        "tags": ["billing", "credits", "warehouses"],
        "body": "Our invoice shows 12 credits on the `etl_small` warehouse on a weekend when nothing was "
                "scheduled. Auto-suspend is set to 5 minutes. Where can I see what woke it up?",
        "answers": [
            ("wei_cs", """Every resume is logged. Run:

```sql
select started_at, user_name, query_text
from acme.account_usage.query_history
where warehouse_name = 'ETL_SMALL'
  and started_at between '2026-08-29' and '2026-08-31'
order by started_at;
```

In most cases like this it is a BI tool refreshing a dashboard on a schedule. If you find nothing,
reply here and I will open a billing review for you."""),
            ("ben_c", "For us it was Metabase's sync, every hour by default. Turning off "
                      "\"rerun queries for simple explorations\" stopped it."),
        ],
        "accept": 1, "official": 0,
    },
    {
        "category": "integrations", "days": 73, "asker": "ben_c",
        "title": "dbt Cloud connection fails with 'SSL SYSCALL error: EOF detected'",
        "tags": ["dbt", "ssl"],
        "body": """dbt runs fine locally but in dbt Cloud every model fails after ~10 minutes:

```
Database Error in model fct_sessions (models/marts/fct_sessions.sql)
  SSL SYSCALL error: EOF detected
```

Is there an idle timeout on your side?""",
        "answers": [
            ("yuki_t", "Idle connections are dropped after 10 minutes by the load balancer. Set "
                       "`keepalives_idle: 60` in your `profiles.yml` target and the error goes away."),
        ],
        "accept": 0,
    },
    {
        "category": "data-reports", "days": 72, "asker": "wang_lei",
        "title": "导出 CSV 后中文在 Excel 里是乱码怎么办？",
        "tags": ["csv", "excel", "编码"],
        "body": """从仪表盘导出的 CSV 用 Excel 打开，中文全部变成乱码，例如：

```
å®¢æˆ·åç§°,é”€å”®é¢
```

用记事本打开是正常的。有没有办法直接导出 Excel 能识别的格式？""",
        "answers": [
            ("liu_yang", """Excel 默认按 GBK 读取没有 BOM 的 CSV。两个办法：

1. 导出时在「高级」里勾选 **UTF-8 with BOM**；
2. 或者在 Excel 里用「数据 → 从文本/CSV」导入，手动选择 `65001: Unicode (UTF-8)`。

我们团队统一用第一种。""",
             [("wang_lei", "勾选 BOM 之后正常了，谢谢！")]),
            ("wei_cs", "补充一下：下个版本起，当报表语言为中文时，导出会默认带 BOM。"),
        ],
        "accept": 0, "official": 1,
    },
    {
        "category": "data-reports", "days": 70, "asker": "zhao_min",
        "title": "仪表盘的时区怎么设置成北京时间？",
        "tags": ["仪表盘", "时区"],
        "body": "我们的数据都是 UTC 存储的，但业务同事希望仪表盘上按北京时间（UTC+8）按天汇总。"
                "在哪里设置？每个图表都要改 SQL 吗？",
        "answers": [
            ("sun_hao", """不用每个都改。项目设置 → 报表 → **默认时区** 选 `Asia/Shanghai`，
按天汇总的图表会自动按这个时区切日。如果是自己写的 SQL，可以用：

```sql
select date_trunc('day', convert_timezone('Asia/Shanghai', created_at)) as 日期,
       count(*) as 订单数
from orders
group by 1;
```"""),
        ],
        "accept": 0,
    },
    {
        "category": "getting-started", "days": 68, "asker": "jpark",
        "title": "Best practice for separating dev and prod data?",
        "tags": ["environments", "best-practices"],
        "body": "We're a team of four data engineers. Should dev and prod be separate projects, "
                "separate schemas, or separate workspaces? We care about cost and not breaking prod.",
        "answers": [
            ("dkowalski", """We use **zero-copy clones**: prod is its own project, and every morning a job clones it
into `dev`:

```sql
create or replace database analytics_dev clone analytics;
```

Clones cost nothing until you change data, and a broken dev model can't touch prod."""),
            ("priya_k", "Separate projects + clones, same as Dana. Separate workspaces made SSO and "
                        "billing painful for us."),
            ("sarah_pm", "This is the setup we recommend too. We're writing a guide on it; "
                         "feedback welcome in the Early access category."),
        ],
        "accept": 0, "official": 0,
    },
    {
        "category": "integrations", "days": 66, "asker": "priya_k",
        "title": "REST API returns 429 when polling query status",
        "tags": ["api", "rate-limits"],
        "body": """Our orchestrator polls `GET /v2/statements/{id}` every 200 ms and we started to get
`429 Too Many Requests`. What are the limits, and is there a better pattern than polling?""",
        "answers": [
            ("wei_cs", """The limit is 20 requests per second per user. Two better options:

- pass `?wait=30` — the call blocks up to 30 s and returns as soon as the statement finishes;
- or register a webhook on the statement (`"notify_url"` in the submit body).

Respect the `Retry-After` header when you do get a 429."""),
        ],
        "accept": 0, "official": 0,
    },
    {
        "category": "sql-performance", "days": 64, "asker": "rahul_n",
        "title": "Clustering key or partitioning for a 3 TB events table?",
        "tags": ["performance", "clustering"],
        "body": "Most queries filter on `event_date` and `tenant_id`. Would a clustering key on "
                "`(event_date, tenant_id)` help, and how do I measure it?",
        "answers": [
            ("mgarcia", """Yes — cluster on `(event_date, tenant_id)` in that order (low cardinality first). Measure with:

```sql
select system$clustering_information('events', '(event_date, tenant_id)');
```

Look at `average_depth`; below ~5 you're in good shape. Our scans dropped from 900 GB to 40 GB."""),
            ("tom_b", "Keep an eye on reclustering credits the first week, it was noticeable for us."),
        ],
        "accept": 0,
    },
    {
        "category": "billing", "days": 62, "asker": "olivia_t",
        "title": "Can we set up SSO with Azure AD and still keep a break-glass admin?",
        "tags": ["sso", "security"],
        "body": "Our security team wants SSO enforced for everyone, but also one local admin account "
                "in case Azure AD is down. Is that supported?",
        "answers": [
            ("wei_cs", """Yes. Under **Admin → Security → SSO**, enable *Enforce SSO* and add the break-glass
account to *Exempt users*. The exempt account must have MFA enabled; we email all admins
whenever it signs in."""),
        ],
        "accept": 0, "official": 0,
    },
    {
        "category": "data-reports", "days": 60, "asker": "li_na",
        "title": "如何把 MySQL 的数据每天自动同步到 Acme Cloud？",
        "tags": ["mysql", "同步", "connectors"],
        "body": "我们的教务系统用的是 MySQL 8，希望每天凌晨把几张表同步过来做报表。"
                "需要自己写脚本吗？",
        "answers": [
            ("zhou_qiang", """不用写脚本，用 **Acme Connect** 的 MySQL 连接器就可以：

1. 连接器 → 新建 → MySQL；
2. 填写主机、端口、只读账号；
3. 选择要同步的表，同步方式选「增量（binlog）」；
4. 调度选每天 02:00。

注意 MySQL 要开启 `binlog_format = ROW`。""",
             [("li_na", "我们的 DBA 说 binlog 已经是 ROW 了，配置好了，明早看结果。"),
              ("li_na", "同步成功了，谢谢！")]),
            ("liu_yang", "如果不能开 binlog，也可以选「按更新时间增量」，需要表里有 `updated_at` 字段。"),
        ],
        "accept": 0,
    },
    {
        "category": "getting-started", "days": 58, "asker": "sofia.m",
        "title": "How do I invite my team and give them read-only access?",
        "tags": ["users", "roles"],
        "body": "I'm the only user on our Tinker Labs workspace. How do I add three colleagues who "
                "should only be able to run queries on the `analytics` schema?",
        "answers": [
            ("alex_w", """Admin → Users → Invite, then grant a role:

```sql
create role analytics_reader;
grant usage on schema analytics to role analytics_reader;
grant select on all tables in schema analytics to role analytics_reader;
grant select on future tables in schema analytics to role analytics_reader;
grant role analytics_reader to user "sofia@tinkerlabs.example.com";
```

The `future tables` line is the one people forget."""),
        ],
        "accept": 0,
    },
    {
        "category": "integrations", "days": 55, "asker": "yuki_t",
        "title": "Kafka connector lag keeps growing during peak hours",
        "tags": ["kafka", "streaming", "connectors"],
        "body": """We stream game telemetry through the Kafka connector. During evening peaks the
consumer lag climbs to ~2M messages and takes hours to recover. Settings:

```yaml
tasks.max: 2
buffer.flush.time: 60
buffer.count.records: 10000
```""",
        "answers": [
            ("ben_c", "Raise `tasks.max` to the number of partitions (we use 12) — with 2 tasks only two "
                      "partitions are consumed in parallel."),
            ("sarah_pm", """Ben is right. Also lower `buffer.flush.time` to 10: larger, rarer flushes
make the lag spikier. Auto-scaling of connector tasks is on our roadmap; if you want it sooner,
please describe your peak pattern in an idea so we can weigh it."""),
        ],
        "accept": 0, "official": 1,
        "comments": [("mgarcia", "Same pattern at one of our clients; following.")],
    },
    {
        "category": "sql-performance", "days": 52, "asker": "sun_hao",
        "title": "窗口函数计算留存率，结果比预期低很多",
        "tags": ["sql", "窗口函数", "留存"],
        "body": """我用下面的 SQL 计算次日留存，结果只有 3%，但产品同事说应该在 30% 左右：

```sql
select count(distinct b.user_id) / count(distinct a.user_id)
from logins a
left join logins b
  on a.user_id = b.user_id
 and b.login_date = a.login_date + 1;
```

哪里写错了？""",
        "answers": [
            ("zhao_min", """问题是没有按首日分组，而且整数除法会截断。改成按日期算：

```sql
select a.login_date,
       count(distinct b.user_id)::float / count(distinct a.user_id) as 次日留存
from logins a
left join logins b
  on a.user_id = b.user_id
 and b.login_date = dateadd(day, 1, a.login_date)
group by 1
order by 1;
```""",
             [("sun_hao", "原来是整数除法……改完是 31%，和产品说的一致。")]),
        ],
        "accept": 0,
    },
    {
        "category": "billing", "days": 50, "asker": "ben_c",
        "title": "Does the Standard plan include the Python SDK?",
        "tags": ["plans", "sdk"],
        "body": "Our contract is the Standard plan. Can we use the SDK or is it a paid add-on?",
        "answers": [
            ("wei_cs", "The SDK and the REST API are included in every plan. What Standard doesn't "
                       "include is private networking (PrivateLink) and 90-day time travel."),
        ],
        "accept": 0, "official": 0,
    },
    {
        "category": "integrations", "days": 47, "asker": "emma.s",
        "title": "Airflow operator: how to pass query parameters safely?",
        "tags": ["airflow", "python"],
        "body": """I'm building SQL with f-strings in an Airflow DAG and our reviewer flagged it.
What's the parameterized way with `AcmeOperator`?""",
        "answers": [
            ("rahul_n", """Use `parameters`, never string formatting:

```python
AcmeOperator(
    task_id="load_day",
    sql="delete from shipments where ship_date = %(day)s",
    parameters={"day": "{{ ds }}"},
)
```

The driver binds the value, so quotes in the data can't break (or inject into) the statement."""),
        ],
        "accept": 0,
    },
    {
        "category": "data-reports", "days": 45, "asker": "huang_li",
        "title": "报表能否按组织架构做行级权限？",
        "tags": ["权限", "行级安全"],
        "body": "我们希望每个分行的同事只能看到自己分行的数据，但用同一张报表。有行级权限吗？",
        "answers": [
            ("zhao_min", """有的，用 **行访问策略（Row Access Policy）**：

```sql
create row access policy branch_policy as (branch_id varchar) returns boolean ->
  exists (select 1 from user_branches ub
          where ub.user_name = current_user() and ub.branch_id = branch_id);

alter table loans add row access policy branch_policy on (branch_id);
```

报表不用改，每个人看到的数据自动不同。"""),
            ("wei_cs", "注意：行访问策略需要 value_added 及以上的套餐。贵司已包含，可以直接用。"),
        ],
        "accept": 0, "official": 1,
    },
    {
        "category": "sql-performance", "days": 44, "asker": "nadia_r",
        "title": "Is there a way to cap how much one query can cost?",
        "tags": ["credits", "governance"],
        "body": "An analyst ran a cross join by accident last week and burned through a day of credits. "
                "Can we stop a query once it has used, say, 5 credits?",
        "answers": [
            ("olivia_t", """Resource monitors work on the warehouse, not the query, but a statement timeout does the job:

```sql
alter warehouse analyst_wh set statement_timeout_in_seconds = 600;
```

Combined with an XS warehouse for ad-hoc work, a single query can't cost more than a few credits."""),
        ],
        "accept": 0,
    },
    {
        "category": "getting-started", "days": 40, "asker": "kim_s",
        "title": "Free trial: can I keep my data when I convert to a paid plan?",
        "tags": ["trial"],
        "body": "I'm a freelancer evaluating Acme Cloud for a client. If they buy, can the trial "
                "workspace become theirs, or do we start over?",
        "answers": [
            ("wei_cs", "The trial workspace converts in place: data, users and dashboards stay. You can "
                       "also transfer ownership to your client's admin before converting."),
        ],
        "accept": 0, "official": 0,
    },
    {
        "category": "data-reports", "days": 38, "asker": "xu_fang",
        "title": "仪表盘加载很慢，有什么优化办法？",
        "tags": ["仪表盘", "性能"],
        "body": "一个有 12 个图表的仪表盘要 40 秒才能打开，每个图表都查同一张 5 亿行的表。怎么优化？",
        "answers": [
            ("zhou_qiang", """几个常用办法：

- 建一张按天汇总的**物化视图**，图表查汇总表而不是明细表；
- 打开仪表盘的**结果缓存**（设置 → 缓存 1 小时）；
- 把筛选条件里的日期范围默认设为最近 30 天。

我们的仪表盘从 35 秒降到了 3 秒。"""),
            ("liu_yang", "物化视图这个最有效，建议先做这个。"),
        ],
        "accept": 0,
    },
    {
        "category": "integrations", "days": 36, "asker": "lucas_f",
        "title": "Salesforce connector misses deleted records",
        "tags": ["salesforce", "connectors"],
        "body": "Opportunities deleted in Salesforce are still in our synced table. Is there a setting "
                "for hard deletes, or do I need to reconcile myself?",
        "answers": [
            ("mgarcia", "Turn on **Sync deletes** in the connector settings; deleted rows then get "
                        "`_acme_deleted = true`. Filter on it in your models."),
        ],
        "accept": 0,
    },
    {
        "category": "sql-performance", "days": 33, "asker": "chen_jing",
        "title": "JSON 字段里的数组怎么展开成多行？",
        "tags": ["json", "sql"],
        "body": """订单表里有一个 `items` 字段存的是 JSON 数组：

```json
[{"sku": "A01", "qty": 2}, {"sku": "B07", "qty": 1}]
```

想把每个商品展开成一行做统计，应该怎么写？""",
        "answers": [
            ("wang_lei", """用 `lateral flatten`：

```sql
select o.order_id,
       f.value:sku::string as sku,
       f.value:qty::int    as qty
from orders o,
     lateral flatten(input => o.items) f;
```"""),
        ],
        "accept": 0,
    },
    {
        "category": "billing", "days": 30, "asker": "dkowalski",
        "title": "Our invoice went up 40% with no change in usage — who can explain?",
        "tags": ["billing", "invoice"],
        "body": "The September invoice is 40% higher than August but our credit consumption is flat. "
                "Honestly this is frustrating: the billing page doesn't explain line items at all.",
        "answers": [
            ("wei_cs", """Sorry about the confusion, Dana — that's on us. The difference is storage: the
90-day time travel you enabled on 14 August retains changed data, and it was billed for the first
time in September. I've sent you a breakdown by table, and we're adding per-line explanations to
the billing page this quarter.""",
             [("dkowalski", "Thanks for the quick and honest answer. Makes sense now.")]),
        ],
        "accept": 0, "official": 0,
    },
    {
        "category": "getting-started", "days": 28, "asker": "guo_tao",
        "title": "Acme CLI 登录时报错 'invalid_grant'",
        "tags": ["cli", "登录"],
        "body": """执行 `acme login` 后浏览器授权成功，但命令行报错：

```
Error: invalid_grant (token expired)
```

电脑时间是对的。""",
        "answers": [
            ("lin_mod", "请先升级到 CLI 2.8 以上（`acme upgrade`），旧版本在代理环境下会重复使用过期的授权码。"
                        "如果还不行，把 `acme login --debug` 的输出贴上来（注意去掉 token）。"),
        ],
        "accept": 0,
    },
    {
        "category": "integrations", "days": 26, "asker": "tom_b",
        "title": "Webhook signature verification fails in Node.js",
        "tags": ["api", "webhooks", "nodejs"],
        "body": """I compute the HMAC like this but it never matches `X-Acme-Signature`:

```js
const sig = crypto.createHmac('sha256', secret)
  .update(JSON.stringify(req.body))
  .digest('hex');
```""",
        "answers": [
            ("jpark", """`JSON.stringify(req.body)` is not the raw body: key order and spacing change. Use the raw bytes:

```js
app.post('/hook', express.raw({ type: 'application/json' }), (req, res) => {
  const sig = crypto.createHmac('sha256', secret).update(req.body).digest('hex');
  const ok = crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(req.get('X-Acme-Signature')));
  res.sendStatus(ok ? 204 : 401);
});
```"""),
        ],
        "accept": 0,
    },
    {
        "category": "data-reports", "days": 24, "asker": "liu_yang",
        "title": "报表订阅邮件能发到企业微信吗？",
        "tags": ["订阅", "企业微信"],
        "body": "现在报表订阅只能发邮件，我们公司主要用企业微信。有计划支持吗？",
        "answers": [
            ("sarah_pm", "目前可以先用 Webhook 订阅 + 企业微信群机器人的方式转发。原生支持我们正在评估，"
                         "欢迎在想法板上提交这个想法，支持的客户越多优先级越高。"),
        ],
        "official": 0,
        "comments": [("wang_lei", "+1，我们也需要。")],
    },
    {
        "category": "sql-performance", "days": 21, "asker": "priya_k",
        "title": "MERGE statement creates duplicates when source has repeated keys",
        "tags": ["sql", "merge"],
        "body": "Our upsert with `MERGE` sometimes inserts two rows for the same `id`. The source is a "
                "staging table loaded from an API that can return the same record twice.",
        "answers": [
            ("rahul_n", """Deduplicate the source first; MERGE's behaviour with duplicate source keys is undefined:

```sql
merge into customers t
using (
  select * from stg_customers
  qualify row_number() over (partition by id order by updated_at desc) = 1
) s on t.id = s.id
when matched then update set name = s.name, updated_at = s.updated_at
when not matched then insert (id, name, updated_at) values (s.id, s.name, s.updated_at);
```"""),
        ],
        "accept": 0,
    },
    {
        "category": "getting-started", "days": 18, "asker": "nadia_r",
        "title": "Where do I find the query history of a colleague?",
        "tags": ["query-history"],
        "body": "A colleague left and I need to find the queries behind a few of her reports.",
        "answers": [
            ("olivia_t", "Admin → Query history → filter on her user. Admins see everyone's history "
                         "for 365 days, even after the user is disabled."),
        ],
        "accept": 0,
    },
    {
        "category": "integrations", "days": 15, "asker": "alex_w",
        "title": "Terraform provider: how to import an existing warehouse?",
        "tags": ["terraform"],
        "body": "We created warehouses by hand and now want them in Terraform without recreating them.",
        "answers": [
            ("dkowalski", """```hcl
resource "acme_warehouse" "etl" {
  name = "ETL_SMALL"
  size = "XSMALL"
  auto_suspend = 300
}
```

then `terraform import acme_warehouse.etl ETL_SMALL`. Run `terraform plan` afterwards and copy
any differences into the resource until the plan is empty."""),
        ],
    },
    {
        "category": "data-reports", "days": 12, "asker": "zhou_qiang",
        "title": "同比、环比在报表里怎么计算？",
        "tags": ["报表", "sql"],
        "body": "想在月度报表里同时展示环比（上月）和同比（去年同月）增长率，SQL 怎么写比较简洁？",
        "answers": [
            ("sun_hao", """用 `lag` 窗口函数：

```sql
select 月份, 收入,
       收入 / lag(收入, 1)  over (order by 月份) - 1 as 环比,
       收入 / lag(收入, 12) over (order by 月份) - 1 as 同比
from monthly_revenue;
```

注意数据中间不能缺月份，否则 `lag` 会错位。"""),
        ],
        "accept": 0,
    },
    {
        "category": "sql-performance", "days": 9, "asker": "yuki_t",
        "title": "Why does COUNT(DISTINCT) take so long on 2 billion rows?",
        "tags": ["performance", "sql"],
        "body": "Exact distinct counts of players per day take minutes. We can live with ~1% error.",
        "answers": [
            ("mgarcia", "Use `approx_count_distinct(player_id)` (HyperLogLog); error is around 1.6% and "
                        "it's typically 10–50× faster."),
        ],
    },
    {
        "category": "billing", "days": 7, "asker": "huang_li",
        "title": "发票抬头可以修改吗？",
        "tags": ["发票"],
        "body": "公司名称变更了，已经开出的发票能否重开？",
        "answers": [
            ("wei_cs", "可以。请在「账单 → 发票」里点击「申请重开」，上传营业执照变更证明，3 个工作日内处理。"),
        ],
        "official": 0,
    },
    {
        "category": "integrations", "days": 5, "asker": "sofia.m",
        "title": "Can the Google Sheets connector write back to a sheet?",
        "tags": ["google-sheets", "connectors"],
        "body": "We'd like a scheduled query to refresh a Google Sheet that our sales team uses.",
        "answers": [],
    },
    {
        "category": "getting-started", "days": 3, "asker": "lucas_f",
        "title": "Recommended warehouse size for a team of 5 analysts?",
        "tags": ["warehouses", "costs"],
        "body": "We're new. Should we start with Small or X-Small? Queries are mostly dashboards over "
                "a few GB.",
        "answers": [
            ("ben_c", "X-Small with auto-suspend at 60 s. Scale up only if the query profile shows "
                      "spilling to disk."),
        ],
    },
    {
        "category": "data-reports", "days": 2, "asker": "xu_fang",
        "title": "数据接入后字段类型全部变成了字符串",
        "tags": ["数据接入", "类型"],
        "body": "用上传功能导入 Excel 后，日期和数字列都变成了 VARCHAR，有没有办法自动识别类型？",
        "answers": [],
        "comments": [("zhao_min", "我们也遇到过，等一个官方回复。")],
    },
    {
        "category": "sql-performance", "days": 1, "asker": "emma.s",
        "title": "Recursive CTE to walk a bill of materials hits the depth limit",
        "tags": ["sql", "cte"],
        "body": """```sql
with recursive bom as (
  select part_id, parent_id, 1 as depth from parts where parent_id is null
  union all
  select p.part_id, p.parent_id, b.depth + 1 from parts p join bom b on p.parent_id = b.part_id
)
select * from bom;
```

fails with `maximum recursion depth 100 exceeded`. Our BOMs are at most 12 levels deep.""",
        "answers": [],
    },
    {
        "category": "early-access", "days": 20, "asker": "sarah_pm",
        "title": "Preview: natural-language queries in the SQL workspace — feedback wanted",
        "tags": ["preview", "ai"],
        "body": """The preview is enabled for your workspaces. Type a question in plain English or Chinese
and the workspace proposes SQL you can edit before running.

**What we'd like to know**
- Which questions did it get wrong?
- Would you trust it for dashboards, or only for exploration?""",
        "answers": [
            ("wei_cs", "From two customer calls this week: both liked it for exploration, neither "
                       "would put generated SQL in a dashboard without review."),
        ],
        "official": 0,
    },
    {
        "category": "early-access", "days": 10, "asker": "lin_mod",
        "title": "Early access: column-level lineage graph",
        "tags": ["preview", "lineage"],
        "body": "The lineage graph now goes down to columns. Try it on a dbt project and tell us where "
                "it breaks; screenshots welcome.",
        "answers": [],
    },
]
