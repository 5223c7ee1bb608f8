"""``application|revealable_by:user``: whether to offer the reveal form."""

from django import template

from incentives import permissions

register = template.Library()


@register.filter
def revealable_by(application, user) -> bool:
    return permissions.can_reveal(user, application)
