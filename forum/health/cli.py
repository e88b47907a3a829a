"""Health's command `forum report --from D --to D [--format json|csv|html] [--output F]` (docs/api.md:
Command line): the health report of docs/rules.md (Health reports) written to stdout or a file."""

from __future__ import annotations

import json
from typing import Any

import click

from forum.cli import forum_cli
from forum.health import queries


def render(report: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return queries.report_csv(report)
    from forum.health.export import render_report_html  # the dashboard's self-contained file

    return render_report_html(report)


@forum_cli.command("report")
@click.option("--from", "from_text", metavar="YYYY-MM-DD", help="The first day (default: 29 days before --to).")
@click.option("--to", "to_text", metavar="YYYY-MM-DD", help="The last day, included (default: today, UTC).")
@click.option("--category", "category_id", type=int, help="A category id (default: the whole community).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "html"]), default="json", show_default=True)
@click.option("--output", "output", type=click.Path(dir_okay=False, writable=True), help="Write here, not to stdout.")
def report_command(from_text: str | None, to_text: str | None, category_id: int | None, fmt: str,
                   output: str | None) -> None:
    """The community-health report of a period, with the previous period of equal length."""
    try:
        start, end = queries.parse_period(from_text, to_text)
    except queries.PeriodError as exc:
        raise click.BadParameter(exc.message, param_hint=f"--{exc.field}") from None
    if category_id is not None and queries.category_brief(category_id) is None:
        raise click.BadParameter(f"no category with id {category_id}", param_hint="--category")
    text = render(queries.health_report(start, end, category_id), fmt)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        click.echo(f"Health report {start} … {end} written to {output} ({fmt}).")
    else:
        click.echo(text, nl=False)
