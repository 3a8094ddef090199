"""{% load key_figures %}{% key_figures zone %}: the strip of headline figures that opens every zone page.

The pages of places, investment, profiles, oneplan, capacity and engagement show the strip, but its figures
come from all of those apps (briefing.figures, a layer above them). So the tag lives here, below the apps,
and draws the figures from the function the briefing app hands down at start-up (BriefingConfig.ready),
the way investment's project page receives the delivery chains from engagement.
Registered as a template library in settings.TEMPLATES (OPTIONS "libraries").
"""

from collections.abc import Callable
from typing import Any

from django import template

register = template.Library()

FiguresOf = Callable[[Any], list]  # zone -> [briefing.figures.Figure]
_figures_of: list[FiguresOf] = []


def provide(figures_of: FiguresOf) -> None:
    """Called once by the briefing app at start-up: figures_of(zone) returns the zone's headline figures."""
    _figures_of[:] = [figures_of]


@register.inclusion_tag("_key_figures.html")
def key_figures(zone: Any) -> dict[str, Any]:
    """The zone's figures; none (no strip) when no app provides them, i.e. briefing is not installed."""
    return {"figures": _figures_of[0](zone) if _figures_of else [], "zone": zone}
