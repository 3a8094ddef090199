"""Sections of the places zone page that apps above places provide (its "Delivery" summary, from investment).

places sits below every app (docs/architecture.md), so it cannot ask them for their figures: an app
hands its section down at start-up (``provide`` in its ``AppConfig.ready``), as profiles hands down
population (places/population.py). A section is a function of the zone returning its HTML, rendered
by the app that owns the figures and its template; the zone page's body (cached per data version)
shows them in the order they were provided.
"""

from collections.abc import Callable
from typing import Any

Section = Callable[[Any], str]  # zone -> the section's HTML (safe: rendered from the app's template)

_sections: dict[str, Section] = {}


def provide(name: str, section: Section) -> None:
    """Called once per section by the app that owns it; providing a name again replaces it."""
    _sections[name] = section


def sections_for(zone: Any) -> list[str]:
    """The zone's sections' HTML, each app's in turn (none when no app above places is installed)."""
    return [section(zone) for section in _sections.values()]
