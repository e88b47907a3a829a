"""API routes of accounts (API.md: Accounts)."""
