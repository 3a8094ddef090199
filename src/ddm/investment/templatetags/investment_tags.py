from collections.abc import Mapping
from decimal import Decimal

from django import template
from django.utils.html import format_html

from ddm.investment.tables import Money, Percent
from ddm.numbers import money_filter, number

register = template.Library()


@register.filter
def get_item(mapping: Mapping[object, object] | None, key: object) -> object:
    """{{ dict|get_item:key }}: a cell of a pivot table (empty when absent)."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def cell(value: object) -> object:
    """A table cell: Money and Decimal as Rand (Money marked * when apportioned), other values escaped."""
    if isinstance(value, Percent):
        return str(value)
    if isinstance(value, Money):
        mark = '<sup title="includes apportioned shares">*</sup>' if value.apportioned else ""
        return format_html("{}" + mark, money_filter(value.amount))
    if isinstance(value, Decimal):
        return money_filter(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value)
    return value


@register.filter
def is_number(value: object) -> bool:
    return isinstance(value, (Money, Percent, Decimal, int)) and not isinstance(value, bool)
