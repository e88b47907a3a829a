"""The demo community's categories (made by the admin; also the generator's, when none exist).

Plain records, read by forum/demo/load.py and forum/generate/qa.py.
"""

CATEGORIES = [
    # slug, name, description, ambassadors only
    ("getting-started", "Getting started", "First steps with Acme Cloud: workspaces, users, loading data.", False),
    ("integrations", "Integrations", "Connectors, the REST API, the Python SDK, dbt, Airflow and friends.", False),
    ("sql-performance", "SQL & performance", "Queries, warehouses, costs and speed.", False),
    ("billing", "Billing & accounts", "Plans, credits, invoices, SSO and seats.", False),
    ("data-reports", "数据与报表", "中文讨论区：数据接入、报表、仪表盘与导出。", False),
    ("early-access", "Early access", "Previews of upcoming features, for ambassadors and the Acme team.", True),
]
