"""`ddm engagement ...` commands: overdue items, events of a zone."""


import click
from django.utils import timezone

from ddm.commands_support import echo_json, fail
from ddm.engagement.services import event_dict, overdue_dict, overdue_items, zone_events
from ddm.places.models import Place


def register(cli, import_group, report_group):
    cli.add_command(engagement)


@click.group()
def engagement():
    """Launches, Imbizos, consultations and their commitments."""


def _today(value):
    return value.date() if value else timezone.localdate()


@engagement.command("overdue")
@click.option("--zone", "code", help="Only this zone (e.g. DC36).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Count as overdue relative to this date.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {today, count, definition, items: [...]}.")
def overdue(code, today, as_json):
    """Items past their due date that are neither done nor dropped."""
    today = _today(today)
    zone = _zone(code) if code else None
    items = list(overdue_items(today, zone))
    if as_json:
        echo_json(overdue_dict(items, today))
        return
    for item in items:
        click.echo(f"{item.event.zone.code}  due {item.due_date}  {(today - item.due_date).days:>5} days  "
                   f"{item.get_status_display():<12} {item.owner}: {item.text[:70]}")
    click.echo(f"{len(items)} overdue item(s) on {today} (due date passed, not done or dropped)")


@engagement.command("events")
@click.option("--zone", "code", required=True, help="Zone code (DC15, ETH, DC36).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: a list of events with attendance and items.")
def events(code, as_json):
    """Events of a zone, newest first."""
    zone = _zone(code)
    today = timezone.localdate()
    found = list(zone_events(zone))
    if as_json:
        echo_json([event_dict(e, today) for e in found])
        return
    for event in found:
        click.echo(f"{event.date}  {event.get_kind_display():<12} {event.title} ({event.items.count()} items)")


def _zone(code):
    zone = Place.objects.zones().without_geometry().filter(code=code.upper()).first()
    if zone is None:
        fail(f"no zone with code {code!r} (use one of the 52 codes, e.g. DC36, ETH)")
    return zone
