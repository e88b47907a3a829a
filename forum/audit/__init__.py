"""The audit log: a kernel service every part may call (docs/architecture.md, "Parts").

- models.py   AuditEntry: who did what to whom (acting user, subject, "part:subject:action" tag, extra)
- actions.py  record_audit, called by the action that makes the change, in its transaction
"""
