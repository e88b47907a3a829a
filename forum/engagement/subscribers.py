"""Engagement subscribes to the other parts' domain events and appends to the event log,
inside the same transaction (so a rolled-back action leaves no event)."""

from __future__ import annotations

from typing import Any

from forum.engagement.actions import record_event
from forum.engagement.rules import EVENT_KINDS
from forum.events import subscribe


def _subscriber(domain_event: str, kind: str, subject_key: str, subject_type: str) -> Any:
    def on_event(_sender: Any, **payload: Any) -> None:
        actor = payload.get("user") or payload.get("voter")
        subject = payload.get(subject_key)
        subject_id = subject if isinstance(subject, int) else getattr(subject, "id", None)
        if subject_type == "post":
            subject_type_value = payload.get("post_type")
        else:
            subject_type_value = subject_type
        question = payload.get("question")
        category_id = getattr(question, "category_id", None) if question is not None else None
        record_event(kind, actor, subject_type=subject_type_value, subject_id=subject_id, category_id=category_id)

    on_event.__name__ = f"log_{domain_event}"
    return on_event


for _name, (_kind, _key, _type) in EVENT_KINDS.items():
    subscribe(_name, _subscriber(_name, _kind, _key, _type))
