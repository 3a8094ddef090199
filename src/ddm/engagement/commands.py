"""`ddm engagement ...` commands: overdue items, events of a zone."""

import datetime

import click
from django.utils import timezone

from ddm.commands_support import echo_json, fail
from ddm.engagement.services import event_dict, overdue_dict, overdue_items, zone_events
from ddm.places.models import Place


def register(cli: click.Group, import_group: click.Group, report_group: click.Group) -> None:
    cli.add_command(engagement)


@click.group()
def engagement() -> None:
    """Launches, Imbizos, consultations and their commitments."""


def _today(value: datetime.datetime | None) -> datetime.date:
    return value.date() if value else timezone.localdate()


@engagement.command("overdue")
@click.option("--zone", "code", help="Only this zone (e.g. DC36).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Count as overdue relative to this date.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {today, count, definition, items: [...]}.")
def overdue(code: str | None, today: datetime.datetime | None, as_json: bool) -> None:
    """Items past their due date that are neither done nor dropped."""
    day = _today(today)
    zone = _zone(code) if code else None
    items = list(overdue_items(day, zone))
    if as_json:
        echo_json(overdue_dict(items, day))
        return
    for item in items:
        click.echo(f"{item.event.zone.code}  due {item.due_date}  {item.days_overdue(day):>5} days  "
                   f"{item.get_status_display():<12} {item.owner}: {item.text[:70]}")
    click.echo(f"{len(items)} overdue item(s) on {day} (due date passed, not done or dropped)")


@engagement.command("events")
@click.option("--zone", "code", required=True, help="Zone code (DC15, ETH, DC36).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: a list of events with attendance and items.")
def events(code: str, as_json: bool) -> None:
    """Events of a zone, newest first."""
    zone = _zone(code)
    today = timezone.localdate()
    found = list(zone_events(zone))
    if as_json:
        echo_json([event_dict(e, today) for e in found])
        return
    for event in found:
        click.echo(f"{event.date}  {event.get_kind_display():<12} {event.title} ({event.items.count()} items)")


def _zone(code: str) -> Place:
    zone = Place.objects.zones().without_geometry().filter(code=code.upper()).first()
    if zone is None:
        fail(f"no zone with code {code!r} (use one of the 52 codes, e.g. DC36, ETH)")
    return zone
