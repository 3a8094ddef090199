from django import template

from ddm.investment.formatting import rand_full, rand_short

register = template.Library()


@register.filter
def rand(amount):
    return rand_full(amount)


@register.filter
def rand_bn(amount):
    return rand_short(amount)


@register.filter
def get_item(mapping, key):
    """{{ dict|get_item:key }}: a cell of a pivot table (empty when absent)."""
    if mapping is None:
        return None
    return mapping.get(key)
