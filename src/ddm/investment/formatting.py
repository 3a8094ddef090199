"""Rand amounts as people read them: "R35.30 billion", "R922.0 million", "R 1 234 567.89"."""

from decimal import ROUND_HALF_UP, Decimal

BILLION = Decimal(10) ** 9
MILLION = Decimal(10) ** 6


def rand_full(amount):
    """R 1 234 567.89 (thin groups of three, South African style, two decimals)."""
    if amount is None:
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}R {' '.join(groups)}.{cents}"


def rand_short(amount, places=2):
    """R35.30 billion / R922.0 million / full amount below a million."""
    if amount is None:
        return ""
    value = Decimal(amount)
    if abs(value) >= BILLION:
        return f"R{(value / BILLION).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)} billion"
    if abs(value) >= MILLION:
        return f"R{(value / MILLION).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} million"
    return rand_full(value)
