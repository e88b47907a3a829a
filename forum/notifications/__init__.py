"""Notifications: a kernel service every part may call (docs/architecture.md, "Parts").

- models.py   Notification: one row per member and thing to tell them, a kind and its data (codes)
- rules.py    NOTIFICATION_TEXTS: kind → the sentence shown, in the reader's language at read time
- actions.py  notify (any part, in its own transaction), mark_notifications_read
- queries.py  a member's notifications, the unread count, a notification's text
The page that lists them is /notifications (forum/accounts/views.py, the member's own pages);
the API is /api/v1/notifications (forum/api/accounts.py).
"""
