"""`ddm setup` steps of the capacity app: reference data (always) and demo data (unless --no-demo)."""

import csv
import datetime
import io
from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from ddm.capacity.models import Agency, DefaultRequirement, Hub, HubRole, Position, Skill, SkillsAudit
from ddm.capacity.services import audit_subject
from ddm.capacity.skills_import import import_skills
from ddm.places.models import Place

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_AUDIT = "demo_skills_audit_dc36.csv"


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_reference(echo: Callable[[str], None]) -> None:
    """Skill taxonomy, default requirements per municipality category, development agencies."""
    skills = {}
    for row in _rows("skills.csv"):
        skills[row["code"]], _ = Skill.objects.update_or_create(code=row["code"], defaults={
            "name": row["name"], "area": row["area"], "backlog": row["backlog"], "description": row["description"]})
    for row in _rows("requirements.csv"):
        for category in "ABC":
            DefaultRequirement.objects.update_or_create(
                skill=skills[row["skill"]], category=category, defaults={"required": int(row[category])})
    for row in _rows("agencies.csv"):
        Agency.objects.update_or_create(code=row["code"], defaults={
            "name": row["name"], "areas": row["areas"].split(";"), "support": row["support"],
            "website": row["website"], "source": row["source"]})
    echo(f"capacity: {len(skills)} skills, {Agency.objects.count()} development agencies")


# Demo hubs: (name, zone codes, established). Invented for demonstration; labelled demo.
DEMO_HUBS = [
    ("Gauteng Metros Hub (demo)", ["JHB", "TSH", "EKU"], datetime.date(2020, 7, 1)),
    ("O.R. Tambo District Hub (demo)", ["DC15"], datetime.date(2020, 4, 1)),
    ("eThekwini Metro Hub (demo)", ["ETH"], datetime.date(2020, 4, 1)),
    ("Waterberg District Hub (demo)", ["DC36"], datetime.date(2020, 5, 1)),
    ("Mopani-Vhembe Hub (demo)", ["DC33", "DC34"], datetime.date(2021, 2, 1)),
]
# Roles left vacant in each demo hub, and one contract that has ended (so it counts as vacant).
DEMO_VACANT = {"Gauteng Metros Hub (demo)": ["economist"], "Waterberg District Hub (demo)": ["information", "shared"],
               "Mopani-Vhembe Hub (demo)": ["planner", "finance", "capacity"]}


@transaction.atomic
def load_demo(echo: Callable[[str], None]) -> None:
    """Demo hubs (incl. one hub for the three Gauteng metros) and DC36's demo skills audit."""
    for name, codes, established in DEMO_HUBS:
        hub, created = Hub.objects.get_or_create(name=name, defaults={
            "established": established, "is_demo": True, "contact_name": "Demo contact",
            "contact_email": "hub.demo@example.org"})
        if not created:
            continue
        hub.zones.set(Place.objects.zones().filter(code__in=codes))
        for number, role in enumerate(HubRole, start=1):
            if role.value in DEMO_VACANT.get(name, []):
                continue
            Position.objects.create(
                hub=hub, role=role, person_name=f"Demo {role.label}", appointed_on=established,
                contract_end=established.replace(year=established.year + 7 + number % 3))
    echo(f"capacity: {Hub.objects.filter(is_demo=True).count()} demo hubs")
    _load_demo_audits(echo)


def _load_demo_audits(echo: Callable[[str], None]) -> None:
    """The DC36 demo audit goes through the real importer, one file per municipality."""
    with open(DATA_DIR / DEMO_AUDIT, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        by_code: dict[str, list[list[str]]] = {}
        for row in reader:
            by_code.setdefault(row[0], []).append(row)
    for code, rows in by_code.items():
        place = audit_subject(code)
        if SkillsAudit.objects.filter(municipality=place, is_demo=True).exists():
            continue
        buffer = io.StringIO()
        csv.writer(buffer).writerows([header, *rows])
        # The name ends in .csv: the reader checks the extension.
        result = import_skills(io.BytesIO(buffer.getvalue().encode()), f"{code} {DEMO_AUDIT}", place,
                               channel="demo")
        if result.audit is None:
            raise RuntimeError(f"demo skills audit for {code} rejected: {result.as_dict()['errors'][:3]}")
        SkillsAudit.objects.filter(pk=result.audit.pk).update(is_demo=True)
    echo(f"capacity: demo skills audits for {', '.join(sorted(by_code))}")
