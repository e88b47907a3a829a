"""`flask forum create-user`: a member made from the command line, validated as sign-up validates."""

from __future__ import annotations

import click

from forum.cli import forum_cli


@forum_cli.command("create-user")
@click.argument("username")
@click.option("--email", required=True, help="E-mail address (unique).")
@click.option("--password", required=True, help="Password (at least 8 characters).")
@click.option("--role", "roles", multiple=True,
              type=click.Choice(["member", "moderator", "product", "cs", "admin"]),
              help="A staff role; repeat for several.")
@click.option("--locale", default="en", show_default=True, help="Interface language (en or zh).")
def create_user_command(username: str, email: str, password: str, roles: tuple[str, ...], locale: str) -> None:
    """Create a member USERNAME (with roles), as sign-up would; one commit at the end."""
    from forum import db
    from forum.accounts.actions import register_user, set_roles
    from forum.errors import DomainError

    try:
        user = register_user(username=username, email=email, password=password, locale=locale)
        if roles:
            set_roles(None, user, list(roles))
    except DomainError as exc:
        db.rollback()
        raise click.ClickException(exc.message) from None
    db.commit()
    click.echo(f"Created {user.username} (id {user.id}) with roles: {', '.join(user.roles)}.")
