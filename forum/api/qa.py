"""API routes of questions and answers (API.md: Questions and answers)."""
