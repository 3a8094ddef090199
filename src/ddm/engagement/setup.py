"""`ddm setup` steps of the engagement app: the three pilot launches (reference) and demo items."""

import datetime
import json
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ddm.accounts.models import Organisation
from ddm.engagement.models import Attendance, Event, EventKind, Item, ItemKind, ItemStatus
from ddm.investment.models import Project
from ddm.oneplan.models import Action
from ddm.places.models import Place

DATA_DIR = Path(__file__).resolve().parent / "data"


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@transaction.atomic
def load_reference(echo: Callable[[str], None]) -> None:
    """The pilot launches as reference events: refreshed from the file, items added once."""
    data = json.loads((DATA_DIR / "pilot_launches.json").read_text(encoding="utf-8"))
    for spec in data["events"]:
        zone = Place.objects.zones().get(code=spec["zone"])
        event, _ = Event.objects.update_or_create(
            zone=zone, date=_date(spec["date"]), kind=spec["kind"], is_reference=True,
            defaults={"title": spec["title"], "venue": spec["venue"], "description": spec["description"],
                      "sources": "\n".join(spec["sources"])})
        for row in spec["attendance"]:
            Attendance.objects.update_or_create(event=event, group=row["group"], defaults={
                "count": row.get("count"), "organisations": "\n".join(row.get("organisations", []))})
        for row in spec["items"]:
            # Keyed by text: follow-ups and status changes made since are kept.
            Item.objects.get_or_create(event=event, text=row["text"], defaults={
                "kind": row["kind"], "raised_by": row["raised_by"], "source": row["source"]})
    echo(f"engagement: {len(data['events'])} pilot launches (reference)")


DEMO_TITLE = "Waterberg water Imbizo (demo)"


@transaction.atomic
def load_demo(echo: Callable[[str], None], today: datetime.date | None = None) -> None:
    zone = Place.objects.zones().get(code="DC36")
    event, created = Event.objects.get_or_create(title=DEMO_TITLE, zone=zone, defaults={
        "kind": EventKind.IMBIZO, "date": datetime.date(2021, 3, 10), "venue": "Mokopane (demo)", "is_demo": True,
        "description": "Invented for demonstration: a community Imbizo on water supply."})
    if created:
        Attendance.objects.create(event=event, group="local", count=12, organisations="LIM367 (demo)")
        Attendance.objects.create(event=event, group="community", count=240)
        Attendance.objects.create(event=event, group="traditional", count=4)
        Attendance.objects.create(event=event, group="youth", count=55)
        owner = Organisation.objects.filter(code="LIM367").first()
        Item.objects.create(event=event, kind=ItemKind.COMMITMENT, is_demo=True, owner_organisation=owner,
                            text="(demo) Repair the Mokopane bulk water pipeline", raised_by="the MEC (demo)",
                            due_date=datetime.date(2021, 9, 30), status=ItemStatus.IN_PROGRESS)
        Item.objects.create(event=event, kind=ItemKind.COMMITMENT, is_demo=True, owner_organisation=owner,
                            text="(demo) Publish the water tanker schedule", raised_by="the Mayor (demo)",
                            due_date=datetime.date(2021, 4, 30), status=ItemStatus.DONE)
        Item.objects.create(event=event, kind=ItemKind.ISSUE, is_demo=True,
                            text="(demo) Residents raised irregular refuse collection", raised_by="community (demo)",
                            due_date=datetime.date(2030, 12, 31))
    echo("engagement: demo Imbizo with 3 demo items")
    _load_delivery_demo(echo, today)


# Demo commitments of the three pilots tied to the delivery demo (investment/demo_delivery.py):
# (zone, event title, days before the first load, [(text, due in days from the event or None, project
# references, action title)]). Dated from the load so that each escalation level shows: ETH's
# missing reservoir with the hub (10 days), DC15's missing clinic with the province (45 days), DC15's
# unfunded road and DC36's overdue pipeline with DCoG.
# (text, days from the event to the due date, demo project references, One Plan action title)
DemoItem = tuple[str, int | None, list[str], str | None]
# (zone, event title, days before today (None: the event load_demo made), items)
DELIVERY_DEMO: list[tuple[str, str, int | None, list[DemoItem]]] = [
    ("DC36", DEMO_TITLE, None, [
        ("(demo) Repair the Mokopane bulk water pipeline", None, ["DEMO-DELIVERY-DC36-1"],
         "Mogalakwena bulk water supply phase 1")]),
    ("DC15", "O.R. Tambo water and roads Imbizo (demo)", 135, [
        ("(demo) Finish the Mthatha bulk water pipeline", 365, ["DEMO-DELIVERY-DC15-1"],
         "Bulk water to Mthatha and the coastal towns"),
        ("(demo) Tar the Port St Johns access road", None, ["DEMO-DELIVERY-DC15-2"], None),
        ("(demo) Build a clinic in Ngqeleni", None, [], None)]),
    ("ETH", "eThekwini informal settlements consultation (demo)", 100, [
        ("(demo) Standpipes in every informal settlement", 1460, ["DEMO-DELIVERY-ETH-1"],
         "Informal settlement water upgrades"),
        ("(demo) Fix the Umlazi reservoir", None, [], None)]),
]


def _load_delivery_demo(echo: Callable[[str], None], today: datetime.date | None = None) -> None:
    """Demo commitments linked to demo projects and One Plan actions; idempotent (keyed by text)."""
    today = today or timezone.localdate()
    linked = 0
    for code, title, days_before, items in DELIVERY_DEMO:
        zone = Place.objects.zones().get(code=code)
        event = Event.objects.filter(title=title, zone=zone).first() or Event.objects.create(
            title=title, zone=zone, kind=EventKind.IMBIZO, date=today - datetime.timedelta(days=days_before or 0),
            is_demo=True, venue="(demo)",
            description="Invented for demonstration: commitments tied to projects and a One Plan action.")
        for text, due_in, references, action_title in items:
            item = Item.objects.filter(event=event, text=text).first() or Item.objects.create(
                event=event, kind=ItemKind.COMMITMENT, text=text, is_demo=True, raised_by="the Mayor (demo)",
                owner_organisation=Organisation.objects.filter(code=code).first(),
                due_date=event.date + datetime.timedelta(days=due_in) if due_in else None)
            item.projects.add(*Project.objects.filter(reference__in=references, is_demo=True))
            if action_title and item.action_id is None:
                item.action = Action.objects.filter(title=action_title, strategy__focal_area__version__plan__zone=zone,
                                                    strategy__focal_area__version__plan__is_demo=True).last()
                item.save(update_fields=["action"])
            linked += 1
    echo(f"engagement: {linked} demo commitments linked to demo projects and One Plan actions (DC15, DC36, ETH)")
