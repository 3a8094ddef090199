"""Numbers as people read them: the one place every page, PDF, CLI line and export formats a figure.

South African style, the same everywhere: thousands grouped by a space, a decimal point
("1 457 382", "12 141 km²", "R1 234 567.89"). Money reads short on pages ("R91.9 bn", "R922 m",
"R155 000") with the exact amount a hover away (the `money` filter's title attribute) and in every
export (CSV/JSON keep the Decimal; XLSX cells are numbers with a grouped number format).

Functions return plain text; the template filters at the bottom (registered as a built-in library in
settings, so every template has them without `{% load %}`) wrap short figures in a <span> carrying
the exact value. Money is Decimal or integer Rand, never a float.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.safestring import mark_safe

# What the formatters take: a Decimal, a number or numeric text; None, "" and anything else print as "".
Figure = Decimal | int | float | str | None

SEPARATOR = " "  # thousands separator (South African style: a space)
BILLION = Decimal(10) ** 9
MILLION = Decimal(10) ** 6


def _decimal(value: Figure) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def number(value: Figure, places: int = 0) -> str:
    """1 457 382 / 12 141.5: grouped thousands, `places` decimals (rounded half up); "" for no value."""
    value = _decimal(value)
    if value is None:
        return ""
    places = int(places)
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    # Python's "," grouping, then the space: a metro's page formats thousands of figures.
    return sign + f"{abs(rounded):,.{places}f}".replace(",", SEPARATOR)


def _rand(amount: Figure, places: int) -> str:
    value = _decimal(amount)
    if value is None:
        return ""
    text = number(value, places)
    return f"-R{text[1:]}" if text.startswith("-") else f"R{text}"


def rand_exact(amount: Figure) -> str:
    """R1 234 567.89: the exact amount, cents always shown."""
    return _rand(amount, 2)


def rand_whole(amount: Figure) -> str:
    """R1 234 568: whole Rand (rounded half up)."""
    return _rand(amount, 0)


def _scaled(value: Decimal, unit: Decimal) -> str:
    scaled = value / unit
    return number(scaled, 0 if abs(scaled) >= 100 else 1)


def rand_short(amount: Figure, places: int | None = None) -> str:
    """R91.9 bn / R922 m / R12.5 m / R155 000: three significant figures from a million up, whole Rand below.

    `places` fixes the decimals of bn and m figures where a finding needs them ("R55.80 bn" beside
    "R55.81 bn").
    """
    value = _decimal(amount)
    if value is None:
        return ""
    sign, value = ("-", -value) if value < 0 else ("", value)
    for unit, label in ((BILLION, "bn"), (MILLION, "m")):
        if value >= unit:
            text = number(value / unit, places) if places is not None else _scaled(value, unit)
            if label == "m" and Decimal(text.replace(SEPARATOR, "")) >= 1000:
                # 999.96 m would read "1 000 m": say R1.0 bn.
                text, label = number(value / BILLION, 1 if places is None else places), "bn"
            return f"{sign}R{text} {label}"
    return f"{sign}{rand_whole(value)}"


def area(km2: Figure) -> str:
    """12 141 km² (whole square kilometres)."""
    text = number(km2, 0)
    return f"{text} km²" if text else ""


def percent(value: Figure, places: int = 1) -> str:
    """42.5% from a share already in percent."""
    text = number(value, places)
    return f"{text}%" if text else ""


def share(fraction: Figure, places: int = 1) -> str:
    """42.5% from a fraction (0.425)."""
    value = _decimal(fraction)
    return percent(value * 100, places) if value is not None else ""


def xlsx_format(value: object) -> str | None:
    """The XLSX number format of a cell value (grouped thousands, the value's own decimals), or None."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent  # an int for a finite value; a letter for NaN and infinities
        places = max(0, -exponent) if isinstance(exponent, int) else 0
        return "#,##0" + ("." + "0" * min(places, 6) if places else "")
    return None


# Template filters (a built-in library: see TEMPLATES in settings).
register = template.Library()


@register.filter(name="money")
def money_filter(amount: Figure, places: int | None = None) -> str:
    """<span title="R91 857 228 000.00">R91.9 bn</span>: short figure, exact value on hover."""
    if _decimal(amount) is None:
        return ""
    # Digits, spaces, "R", "-", "." and "bn"/"m" only: nothing to escape (format_html's escaping of
    # both cost a metro's page ~0.1 s).
    return mark_safe(f'<span class="money" title="{rand_exact(amount)}">{rand_short(amount, places)}</span>')  # noqa: S308


@register.filter(name="money_exact")
def money_exact_filter(amount: Figure) -> str:
    """R91 857 228 000.00 as plain text (for title attributes and tables that must add up to the cent)."""
    return rand_exact(amount)


@register.filter(name="money_short")
def money_short_filter(amount: Figure, places: int | None = None) -> str:
    """R91.9 bn as plain text (for title attributes, alt text, chart labels)."""
    return rand_short(amount, places)


@register.filter(name="number")
def number_filter(value: Figure, places: int = 0) -> str:
    """1 457 382 (grouped thousands; `|number:1` for one decimal)."""
    return number(value, places)


@register.filter(name="area")
def area_filter(km2: Figure) -> str:
    return area(km2)


@register.filter(name="percent")
def percent_filter(value: Figure, places: int = 1) -> str:
    return percent(value, places)
