"""Categories are managed by admins (forum.qa.actions.create_category / update_category)."""

from __future__ import annotations

import pytest

from forum.errors import Conflict, Forbidden, RuleViolation
from forum.qa import queries
from forum.qa.actions import create_category, update_category
from tests.factories import make_user


def test_admin_creates_and_updates_a_category(session):
    admin = make_user(roles=("admin",))
    cat = create_category(admin, name="  Single   sign-on ", slug="sso", description="SAML and OIDC", position=3)
    assert (cat.name, cat.slug, cat.description, cat.position, cat.ambassadors_only) == \
        ("Single sign-on", "sso", "SAML and OIDC", 3, False)
    update_category(admin, cat, name="SSO", slug="single-sign-on", ambassadors_only=True, position=1)
    assert (cat.name, cat.slug, cat.ambassadors_only, cat.position) == ("SSO", "single-sign-on", True, 1)
    assert queries.category_by_slug("single-sign-on", admin) is cat


@pytest.mark.parametrize("roles", [(), ("moderator",), ("product",), ("cs",)])
def test_only_admins_manage_categories(session, roles):
    admin = make_user(roles=("admin",))
    cat = create_category(admin, name="Billing", slug="billing")
    with pytest.raises(Forbidden):
        create_category(make_user(roles=roles), name="Other", slug="other")
    with pytest.raises(Forbidden):
        update_category(make_user(roles=roles), cat, name="Hacked", slug="billing")
    assert cat.name == "Billing"


@pytest.mark.parametrize("name,slug,field", [
    ("", "ok", "name"), ("   ", "ok", "name"), ("x" * 81, "ok", "name"),
    ("Name", "", "slug"), ("Name", "Has Spaces", "slug"), ("Name", "UPPER", "slug"), ("Name", "-edge", "slug"),
])
def test_category_validation(session, name, slug, field):
    with pytest.raises(RuleViolation) as err:
        create_category(make_user(roles=("admin",)), name=name, slug=slug)
    assert err.value.field == field and err.value.status == 422


def test_position_must_be_an_integer(session):
    with pytest.raises(RuleViolation) as err:
        create_category(make_user(roles=("admin",)), name="Name", slug="name", position="first")
    assert err.value.field == "position"


def test_slugs_are_unique(session):
    admin = make_user(roles=("admin",))
    create_category(admin, name="Billing", slug="billing")
    other = create_category(admin, name="Invoices", slug="invoices")
    with pytest.raises(Conflict) as err:
        create_category(admin, name="Billing again", slug="billing")
    assert err.value.status == 409
    with pytest.raises(Conflict):
        update_category(admin, other, name="Invoices", slug="billing")
    update_category(admin, other, name="Invoices and receipts", slug="invoices")  # keeping its own slug is fine
    assert other.name == "Invoices and receipts"
