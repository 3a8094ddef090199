"""`ddm setup` steps of the engagement app: the three pilot launches (reference) and demo items."""

import datetime
import json
from pathlib import Path

from django.db import transaction

from ddm.accounts.models import Organisation
from ddm.engagement.models import Attendance, Event, EventKind, Item, ItemKind, ItemStatus
from ddm.places.models import Place

DATA_DIR = Path(__file__).resolve().parent / "data"


def _date(text):
    return datetime.date.fromisoformat(text)


@transaction.atomic
def load_reference(echo):
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
def load_demo(echo):
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
