"""``{% load payments %}``: amounts as the payment pages write them."""

from django import template

from incentives.selectors.payments import money

register = template.Library()


@register.filter
def yuan(amount) -> str:
    """12345.5 → "12,345.50"; none → "—"."""
    if amount is None or amount == "":
        return "—"
    return money(amount)
