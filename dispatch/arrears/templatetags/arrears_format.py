from django import template

from dispatch.arrears.reports import money

register = template.Library()


@register.filter
def yuan(value) -> str:
    """An amount with thousands separators and two decimals (1,234.50)."""
    return money(value)


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{value} %"


@register.filter
def bucket(figures, key: str):
    return figures.aging[key]
