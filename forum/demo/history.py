"""The demo community's months of activity history: how many visits, question views, searches and
steps of the ask flow its members leave behind, written the way `forum generate --events` writes a
year (forum/generate/events.py: weekday rhythm, growth, heavy-tailed members, anonymous visitors),
so that the health dashboard of the demo has activity to show. Plain records, read by
forum/demo/load.py (``load_history``, the loader's last step).
"""

HISTORY_DAYS = 120  # the history covers the last HISTORY_DAYS days, until the demo's now
HISTORY_EVENTS = 4000  # activity events in all (a small community: most pages are question views)
HISTORY_SEED = 2026
# Organizations whose members went quiet (organization key, days ago): the at-risk flag's example.
QUIET_ORGANIZATIONS = [("riverside", 40)]
