"""`flask forum demo`: a believable customer community for the fictional product (PRODUCT_NAME,
"Acme Cloud", a cloud data platform), loaded once on first run (`make run`).

The community is data: plain records in people.py (staff, organizations, members, ambassadors),
categories.py, threads.py (questions with answers, comments, accepts and official marks) and
ideas.py (ideas with supports, comments, decisions, merges). load.py is the one loop that turns
them into rows through the parts' actions (``load_demo``).
"""
