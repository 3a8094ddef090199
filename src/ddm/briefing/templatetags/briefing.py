from django import template

from ddm.briefing.figures import key_figures as compute_key_figures

register = template.Library()


@register.inclusion_tag("briefing/_key_figures.html")
def key_figures(zone):
    """{% load briefing %}{% key_figures zone %}: the strip of headline figures opening a zone page."""
    return {"figures": compute_key_figures(zone), "zone": zone}
