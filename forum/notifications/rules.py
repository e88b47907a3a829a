"""What each notification kind says (rendered in the reader's language at read time).

A notification stores its kind and codes (an idea's status, a rejection reason, a badge's tier and
English name); `queries.notification_text` words them for the reader.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# Notification kinds → the sentence shown (rendered in the reader's language at read time).
NOTIFICATION_TEXTS: dict[str, Any] = {
    "answer_posted": _l("%(actor)s answered “%(title)s”"),
    "comment_posted": _l("%(actor)s commented on your post in “%(title)s”"),
    "answer_accepted": _l("Your answer to “%(title)s” was accepted"),
    "answer_official": _l("Your answer to “%(title)s” was marked as the official answer"),
    "roles_changed": _l("Your roles are now: %(roles)s"),
    "badge_awarded": _l("You earned the %(tier)s badge “%(badge)s”"),
    "referral_activated": _l("%(member)s, whom you invited, made a first contribution: referral points for you"),
    "ambassador_appointed": _l("You are now a community ambassador, until %(until)s"),
    "ambassador_renewed": _l("Your ambassador term was renewed, until %(until)s"),
    "ambassador_revoked": _l("Your ambassador status was ended by a community manager"),
    "ambassador_lapsed": _l("Your ambassador status lapsed after a long time without contributions"),
    "ambassador_expired": _l("Your ambassador term has ended"),
    "idea_published": _l("Your idea “%(title)s” is published and gathering support"),
    "idea_rejected": _l("Your idea “%(title)s” was not published (%(reason)s)"),
    "idea_stage_reached": _l("The idea “%(title)s” reached stage %(stage)s"),
    "idea_in_review": _l("The idea “%(title)s” reached its last threshold and is in review"),
    "idea_decided": _l("The idea “%(title)s” is now %(status)s: %(note)s"),
    "idea_expired": _l("The idea “%(title)s” missed its deadline and expired"),
    "idea_merged": _l("The idea “%(title)s” was merged into “%(target)s”"),
    "account_suspended": _l("Your account is suspended until %(until)s UTC: %(why)s"),
    "account_unsuspended": _l("Your suspension was lifted: you can post again"),
    "moderation_mode_changed": _l("The moderation mode of %(scope)s is now %(new)s (it was %(old)s)"),
    "post_approved": _l("A moderator approved your %(content)s “%(title)s”: it is published"),
    "post_approved_note": _l("A moderator approved your %(content)s “%(title)s”: it is published. Note: %(note)s"),
    "post_rejected": _l("A moderator rejected your %(content)s “%(title)s” (%(reason)s). You can edit and resubmit "
                        "it, or appeal once"),
    "post_rejected_note": _l("A moderator rejected your %(content)s “%(title)s” (%(reason)s): %(note)s. You can "
                             "edit and resubmit it, or appeal once"),
    "post_escalated": _l("Your %(content)s “%(title)s” was passed to our customer-success team, who will reply; "
                         "it stays held for review"),
    "post_escalated_note": _l("Your %(content)s “%(title)s” was passed to our customer-success team, who will "
                              "reply; it stays held for review. Note: %(note)s"),
    "post_released": _l("Your %(content)s “%(title)s” is published: its hold time ended"),
}
