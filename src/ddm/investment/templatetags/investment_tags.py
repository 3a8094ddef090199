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


@register.filter
def cell(value):
    """A table cell: Money and Decimal as Rand (Money marked * when apportioned), other values escaped."""
    from decimal import Decimal

    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    from ddm.investment.tables import Money, Percent

    if isinstance(value, Percent):
        return str(value)
    if isinstance(value, Money):
        mark = '<sup title="includes apportioned shares">*</sup>' if value.apportioned else ""
        return mark_safe(escape(rand_full(value.amount)) + mark)
    if isinstance(value, Decimal):
        return rand_full(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", " ")
    return value


@register.filter
def is_number(value):
    from decimal import Decimal

    from ddm.investment.tables import Money, Percent

    return isinstance(value, (Money, Percent, Decimal, int)) and not isinstance(value, bool)
