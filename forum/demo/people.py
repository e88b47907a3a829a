"""The demo community's people: staff, customer organizations, members and the founding ambassadors.

Plain records, read by forum/demo/load.py. A member names their organization by its key (None:
no organization); every account but the admin signs in with ``DEMO_PASSWORD``.
"""

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin-demo-password"
DEMO_PASSWORD = "demo-password"

STAFF = [
    # username, display name, role, locale
    (ADMIN_USERNAME, "Acme Community Admin", "admin", "en"),
    ("lin_mod", "Lin Zhou 周琳", "moderator", "zh"),
    ("sarah_pm", "Sarah Okafor", "product", "en"),
    ("wei_cs", "Wei Zhang 张伟", "cs", "zh"),
]

ORGANIZATIONS = [
    # key, name, tier, ARR (USD), e-mail domain
    ("northwind", "Northwind Logistics", "benchmark", 480_000, "northwind.example.com"),
    ("hanhai", "Hanhai Retail 瀚海零售", "benchmark", 620_000, "hanhai.example.com"),
    ("bluefin", "Bluefin Analytics", "value_added", 180_000, "bluefin.example.com"),
    ("qingyun", "Qingyun Fintech 青云金融", "value_added", 210_000, "qingyun.example.com"),
    ("maple", "Maple Health", "value_added", 150_000, "maplehealth.example.com"),
    ("tinker", "Tinker Labs", "standard", 24_000, "tinkerlabs.example.com"),
    ("riverside", "Riverside Games", "standard", 36_000, "riverside.example.com"),
    ("xingchen", "Xingchen Education 星辰教育", "standard", 18_000, "xingchen.example.com"),
]
INDEPENDENT_DOMAIN = "mail.example.com"  # e-mail domain of members with no organization

MEMBERS = [
    # username, display name, locale, organization key (or None), joined days ago
    ("dkowalski", "Dana Kowalski", "en", "northwind", 160),
    ("rahul_n", "Rahul Nair", "en", "northwind", 168),
    ("emma.s", "Emma Schulz", "en", "northwind", 70),
    ("wang_lei", "王磊", "zh", "hanhai", 170),
    ("liu_yang", "刘洋", "zh", "hanhai", 140),
    ("chen_jing", "陈静", "zh", "hanhai", 45),
    ("mgarcia", "Marco Garcia", "en", "bluefin", 175),
    ("priya_k", "Priya Kapoor", "en", "bluefin", 130),
    ("tom_b", "Tom Becker", "en", "bluefin", 85),
    ("zhao_min", "赵敏", "zh", "qingyun", 165),
    ("sun_hao", "孙浩", "zh", "qingyun", 120),
    ("huang_li", "黄丽", "zh", "qingyun", 50),
    ("olivia_t", "Olivia Tremblay", "en", "maple", 155),
    ("jpark", "Jin Park", "en", "maple", 110),
    ("nadia_r", "Nadia Rahman", "en", "maple", 48),
    ("alex_w", "Alex Wright", "en", "tinker", 100),
    ("sofia.m", "Sofia Martins", "en", "tinker", 62),
    ("ben_c", "Ben Carter", "en", "riverside", 95),
    ("yuki_t", "Yuki Tanaka", "en", "riverside", 80),
    ("lucas_f", "Lucas Ferreira", "en", "riverside", 40),
    ("li_na", "李娜", "zh", "xingchen", 115),
    ("zhou_qiang", "周强", "zh", "xingchen", 90),
    ("xu_fang", "徐芳", "zh", "xingchen", 42),
    ("kim_s", "Kim Sørensen", "en", None, 85),
    ("guo_tao", "郭涛", "zh", None, 50),
    # quieter customers: they read, and answer the NPS survey (forum/demo/survey.py)
    ("hannah_l", "Hannah Lee", "en", "northwind", 190),
    ("omar_h", "Omar Haddad", "en", "northwind", 125),
    ("ma_jun", "马骏", "zh", "hanhai", 185),
    ("he_xin", "何欣", "zh", "hanhai", 105),
    ("felix_b", "Felix Braun", "en", "bluefin", 145),
    ("lena_k", "Lena Kovač", "en", "bluefin", 65),
    ("wu_ting", "吴婷", "zh", "qingyun", 180),
    ("deng_chao", "邓超", "zh", "qingyun", 75),
    ("grace_o", "Grace Osei", "en", "maple", 135),
    ("ivan_p", "Ivan Petrov", "en", "tinker", 160),
    ("mia_c", "Mia Chen", "en", "tinker", 55),
    ("ryan_d", "Ryan Doyle", "en", "riverside", 120),
    ("tang_yu", "唐雨", "zh", "xingchen", 150),
    ("cai_lin", "蔡琳", "zh", "xingchen", 60),
    ("noah_j", "Noah Jensen", "en", None, 100),
    ("feng_yi", "冯毅", "zh", None, 42),
]

AMBASSADORS = [
    # username, the admin's note on the appointment
    ("rahul_n", "Founding ambassador: answers most S3 and Airflow questions, ran the Berlin meetup."),
    ("mgarcia", "Founding ambassador: the community's performance expert."),
    ("zhao_min", "首批大使：中文区最活跃的回答者，帮助了很多金融行业的同行。"),
    ("wang_lei", "首批大使：组织了上海用户交流会。"),
]
