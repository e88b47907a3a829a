"""The `flask forum ...` command group and the commands that belong to no part.

Each part adds its own commands from its `forum/<part>/cli.py` and its periodic jobs from its
`forum/<part>/jobs.py` (both loaded by ``create_app``). The commands here run what spans every
part: `tick` (every registered job once, docs/rules.md: Run modes), `demo` (the demo community,
forum/demo/) and `generate` (synthetic data at scale, forum/generate/).
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import click
from flask.cli import AppGroup

forum_cli = AppGroup("forum", help="Forum administration and periodic work.")


def parse_now(value: str | None) -> dt.datetime | None:
    """An ISO 8601 time (``2027-01-01T00:00:00Z``) as the naive UTC datetime the database stores."""
    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time such as 2027-01-01T00:00:00Z.",
                                 param_hint="--now") from None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


@forum_cli.command("tick")
@click.option("--now", "now_text", metavar="ISO-TIME", help="Run as if it were this UTC time (for tests).")
def tick_command(now_text: str | None) -> None:
    """Run every periodic job once (idempotent; safe from cron on every machine)."""
    from forum.tick import run_tick

    results = run_tick(parse_now(now_text))
    for name, summary in results.items():
        click.echo(f"{name}: {summary if summary is not None else 'done'}")
    failed = [name for name, summary in results.items() if summary == "failed"]
    if failed:
        raise click.ClickException("failed jobs: " + ", ".join(failed))


@forum_cli.command("demo")
def demo_command() -> None:
    """Load the demo community (once; does nothing if the admin account exists)."""
    from forum.demo.load import load_demo
    from forum.demo.people import ADMIN_PASSWORD, ADMIN_USERNAME, DEMO_PASSWORD

    demo = load_demo()
    if demo is None:
        click.echo("Demo already loaded.")
    else:
        click.echo("Demo community loaded: " + ", ".join(f"{n} {what}" for what, n in demo.counts.items()) + ".")
    click.echo(f"Sign in as {ADMIN_USERNAME} / {ADMIN_PASSWORD} (admin); staff: lin_mod (moderator), "
               f"sarah_pm (product), wei_cs (cs); members such as dkowalski or wang_lei; "
               f"every account but the admin has the password {DEMO_PASSWORD}.")


@forum_cli.command("generate")
@click.option("--members", default=0, show_default=True, help="Members to create (and ~1 organization per 12).")
@click.option("--questions", default=0, show_default=True)
@click.option("--answers", default=0, show_default=True)
@click.option("--comments", default=0, show_default=True)
@click.option("--ideas", default=0, show_default=True)
@click.option("--events", default=0, show_default=True, help="Activity events (visits, views, searches…).")
@click.option("--seed", default=1, show_default=True, help="Same seed, same data.")
def generate_command(members: int, questions: int, answers: int, comments: int, ideas: int, events: int,
                     seed: int) -> None:
    """Bulk-insert synthetic members and content (for load tests and benchmarks)."""
    from forum.generate import GENERATED_PASSWORD, Plan, generate

    plan = Plan(members=members, questions=questions, answers=answers, comments=comments, ideas=ideas,
                events=events, seed=seed)
    total = members + questions + answers + comments + ideas + events
    started = time.perf_counter()
    with click.progressbar(length=max(total, 1), label="Generating", file=sys.stderr) as bar:
        run = generate(plan, bar.update)
    seconds = time.perf_counter() - started
    posts = run.counts.get("questions", 0) + run.counts.get("answers", 0) + run.counts.get("comments", 0)
    click.echo(", ".join(f"{n} {what}" for what, n in run.counts.items()))
    click.echo(f"{posts} posts in {seconds:.1f} s ({posts / seconds if seconds else 0:.0f} posts/s); "
               f"generated members sign in with the password {GENERATED_PASSWORD}.")


@forum_cli.command("events")
@click.option("--update-docs", is_flag=True, help="Rewrite the table in docs/architecture.md.")
def events_command(update_docs: bool) -> None:
    """Print every domain event with its meaning, senders and receivers (docs/architecture.md)."""
    from forum.events import markdown_table, update_docs_table

    if update_docs:
        update_docs_table()
        click.echo("docs/architecture.md: event table updated.")
        return
    click.echo(markdown_table())
