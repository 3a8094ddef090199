"""Inferring a project's sector when the file states none (or only a budget grouping such as
"Economic Services"): from its title, the SA36 "Function", its description, then its department.

The inference is marked on the project (``extra["sector_inferred"]`` says from which words) and the
sector stays editable; a re-import never overwrites a stored sector with an inferred one.
Rules are checked in order and the first whose words appear wins, so specific words come first
("bulk water pipeline" is water, "sewer pipeline" sanitation, "water and sanitation" water).
"""

import re
from collections.abc import Iterable

from ddm.investment.models import Sector

_RULES = [
    (Sector.WATER, ("water and sanitation", "bulk water", "water supply", "water services")),
    (Sector.SANITATION, ("sanitation", "sewer", "sewerage", "sewage", "wastewater", "waste water", "vip toilet",
                         "toilets", "outfall", "waste treatment works", "wwtw")),
    (Sector.WATER, ("bulk water", "water supply", "water scheme", "water treatment", "water project", "reservoir",
                    "borehole", "boreholes", "dam", "water", "reticulation", "abstraction", "desalination", "aqueduct")),
    (Sector.ENERGY, ("electrification", "electricity", "electrical", "substation", "power station", "power line",
                     "transmission line", "solar", "energy", "high mast", "street light", "streetlight", "eskom")),
    (Sector.TRANSPORT, ("road", "roads", "bridge", "street", "interchange", "freeway", "highway", "rail", "railway",
                        "bus", "brt", "taxi", "transport", "airport", "harbour", "sidewalk", "walkway",
                        "stormwater", "storm water", "n1", "n2", "n3")),
    (Sector.HEALTH, ("clinic", "hospital", "health", "chc", "community health", "nursing", "mortuary")),
    (Sector.EDUCATION, ("school", "schools", "classroom", "classrooms", "college", "tvet", "university", "ecd",
                        "education", "learner", "library school")),
    (Sector.HUMAN_SETTLEMENTS, ("housing", "houses", "human settlement", "human settlements", "rdp", "hostel",
                                "informal settlement", "social housing", "serviced sites", "title deeds")),
    (Sector.SAFETY, ("police", "saps", "court", "courts", "correctional", "prison", "fire station", "safety",
                     "justice", "border post", "military", "defence")),
    (Sector.ENVIRONMENT, ("landfill", "solid waste", "refuse", "waste", "recycling", "conservation", "wetland",
                          "environment", "climate", "alien vegetation")),
    (Sector.ICT, ("broadband", "wifi", "wi fi", "ict", "fibre", "telecommunication", "digital")),
    (Sector.AGRICULTURE, ("irrigation", "agriculture", "agricultural", "farm", "farmer", "livestock", "dipping tank", "fencing",
                          "land reform", "agri", "fisheries", "forestry")),
    (Sector.SOCIAL, ("community hall", "hall", "library", "sport", "sports", "stadium", "swimming pool", "cemetery",
                     "recreation", "museum", "arts", "thusong", "community centre", "youth centre")),
    (Sector.ECONOMIC, ("industrial", "sez", "special economic zone", "tourism", "market", "business", "trading",
                       "enterprise", "incubator", "economic")),
]
_COMPILED = [(sector, [(word, re.compile(rf"\b{re.escape(word)}\b")) for word in words]) for sector, words in _RULES]

# Budget groupings (the functional classification's broad headings, as the Budget Review's "sector"
# column gives them): they say too little to class a project, so the sector is inferred instead.
BROAD_GROUPINGS = {"economic services", "social services", "general public services", "economic affairs",
                   "public order and safety", "peace and security", "economic infrastructure",
                   "social infrastructure", "infrastructure", "other", "various", "multi sector", "multisector",
                   "not specified", "unspecified", "general", "economic services and infrastructure",
                   "economic", "social", "social services and infrastructure"}


def _norm(text: object) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).split())


def is_broad(stated: object) -> bool:
    """True when a stated sector is only a budget grouping ("Economic Services")."""
    return _norm(stated) in BROAD_GROUPINGS


def infer_sector(sources: Iterable[tuple[str, object]]) -> tuple[str | None, str]:
    """(sector, evidence) from ``sources`` = [(what, text)] in order of trust, e.g.
    [("title", ...), ("function", ...), ("description", ...), ("department", ...)]; (None, "")
    when no words match. Evidence reads "from the title: 'bulk water'"."""
    for what, text in sources:
        normalised = _norm(text)
        if not normalised:
            continue
        for sector, patterns in _COMPILED:
            for word, pattern in patterns:
                if pattern.search(normalised):
                    return sector, f"from the {what}: {word!r}"
    return None, ""
