"""Account operations shared by the CLI and the admin."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from rapidfuzz import process

from ddm.accounts.models import Organisation, Role, RoleKind


@transaction.atomic
def create_admin(username: str, email: str, password: str) -> User:
    User = get_user_model()
    if not username:
        raise ValueError("a username is needed")
    if User.objects.filter(username=username).exists():
        raise ValueError(f"user {username!r} already exists")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from exc
    user = User.objects.create_superuser(username=username, email=email, password=password)
    Role.objects.create(user=user, kind=RoleKind.ADMIN)
    return user


# Well-known short names of national departments (2019-20 structure) and later names, so that
# officials can write "DWS" or "Department of Water and Sanitation" where the register has
# "Water and Sanitation". Keys: normalised alias; values: the reference organisation's code.
DEPARTMENT_ALIASES = {
    "dws": "nat-water-and-sanitation", "dwa": "nat-water-and-sanitation",
    "water affairs": "nat-water-and-sanitation",
    "doh": "nat-health", "ndoh": "nat-health",
    "dbe": "nat-basic-education", "dhet": "nat-higher-education-and-training",
    "dot": "nat-transport", "saps": "nat-police", "sa police service": "nat-police",
    "doj": "nat-justice-and-constitutional-development", "dojcd": "nat-justice-and-constitutional-development",
    "dst": "nat-science-and-technology", "dsi": "nat-science-and-technology",
    "science and innovation": "nat-science-and-technology",
    "cogta": "nat-cooperative-governance-and-traditional-affairs",
    "dhs": "nat-human-settlements", "dpw": "nat-public-works",
    "public works and infrastructure": "nat-public-works", "dpwi": "nat-public-works",
    "daff": "nat-agriculture-forestry-and-fisheries", "dalrrd": "nat-agriculture-forestry-and-fisheries",
    "agriculture land reform and rural development": "nat-agriculture-forestry-and-fisheries",
    "drdlr": "nat-rural-development-and-land-reform",
    "doe": "nat-energy", "mineral resources and energy": "nat-mineral-resources",
    "dmre": "nat-mineral-resources", "dmr": "nat-mineral-resources",
    "dea": "nat-environmental-affairs", "dffe": "nat-environmental-affairs",
    "forestry fisheries and the environment": "nat-environmental-affairs",
    "dsd": "nat-social-development", "dti": "nat-trade-and-industry", "the dti": "nat-trade-and-industry",
    "trade industry and competition": "nat-trade-and-industry", "dtic": "nat-trade-and-industry",
    "dsbd": "nat-small-business-development", "dcs": "nat-correctional-services",
    "treasury": "nat-national-treasury", "nt": "nat-national-treasury",
    "dpme": "nat-planning-monitoring-and-evaluation", "dha": "nat-home-affairs",
    "dirco": "nat-international-relations-and-cooperation", "dac": "nat-arts-and-culture",
    "sport arts and culture": "nat-arts-and-culture", "dsac": "nat-arts-and-culture",
    "srsa": "nat-sport-and-recreation-south-africa", "dpe": "nat-public-enterprises",
    "dtps": "nat-telecommunications-and-postal-services", "stats sa": "nat-statistics-south-africa",
    "communications and digital technologies": "nat-telecommunications-and-postal-services",
}
_PREFIXES = ("national department of ", "department of ", "dept of ", "the department of ", "ministry of ")


def normalise_organisation_name(text: str) -> str:
    """Case, punctuation, "&"/"and", and a leading "Department of" ignored."""
    text = " ".join(re.sub(r"[^a-z0-9]+", " ", str(text).lower().replace("&", " and ")).split())
    for prefix in _PREFIXES:
        if text.startswith(prefix.strip() + " "):
            return text[len(prefix.strip()) + 1:]
    return text


def find_organisation(text: str | None, sphere: str | None = None) -> Organisation:
    """The Organisation named by ``text``: its code, exact name or an alias (case- and
    space-insensitive; "Department of X" = "X"; well-known acronyms such as DWS).
    ``sphere`` narrows the choice ("Health" in a national file is the national department).
    Raises LookupError listing close matches, or the candidates when several match."""
    raw = str(text or "").strip()
    if not raw:
        raise LookupError("no organisation given (use its code, name or alias; `ddm organisations` lists them)")
    found = Organisation.objects.filter(code__iexact=raw).first()
    if found:
        return found
    wanted = normalise_organisation_name(raw)
    alias_code = DEPARTMENT_ALIASES.get(wanted)
    if alias_code and (found := Organisation.objects.filter(code=alias_code).first()):
        return found
    names: dict[str, list[Organisation]] = {}
    for org in Organisation.objects.only("pk", "code", "name", "aliases", "sphere"):
        for name in [org.name, *(org.aliases or [])]:
            names.setdefault(normalise_organisation_name(name), []).append(org)
    matches = names.get(wanted, [])
    unique = {org.pk: org for org in matches if sphere is None or org.sphere == sphere}
    if len(unique) == 1:
        return next(iter(unique.values()))
    if len(unique) > 1:
        national = [org for org in unique.values() if org.sphere == "national"]
        options = "; ".join(f"{o.code} ({o.name}, {o.get_sphere_display()})" for o in unique.values())
        if len(national) == 1 and raw.lower().startswith("national"):
            return national[0]
        raise LookupError(f"{raw!r} names several organisations: {options}; use the code")
    close = process.extract(wanted, list(names), limit=5, score_cutoff=70)
    hint = "; ".join(dict.fromkeys(f"{names[n][0].code} ({names[n][0].name})" for n, _s, _i in close))
    raise LookupError(f"no organisation {raw!r}" + (f" (close: {hint})" if hint else "")
                      + "; `ddm organisations` lists them")
