"""The incentives' own navigation, the same on each of their pages: the
links a user's roles reach (``incentives.permissions``), the current one
marked."""

from django import template
from django.urls import reverse

from incentives import permissions
from tasks.permissions import is_reviewer

register = template.Library()


@register.inclusion_tag("incentives/_nav.html", takes_context=True)
def incentives_nav(context):
    request = context["request"]
    user = request.user
    links = [
        ("奖励申请", "incentives:application-list", True),
        ("公示", "incentives:publicity-list", True),
        ("发放批次", "incentives:batch-list", True),
        ("资金台账", "incentives:ledger", True),
        ("统计", "incentives:figures", True),
        ("批量导入", "incentives:application-import", permissions.is_clerk(user)),
        ("导入核验结果", "incentives:fact-import", True),
    ]
    if not permissions.can_use(user):
        return {"links": []}
    items = []
    for label, name, shown in links:
        if not shown:
            continue
        url = reverse(name)
        current = request.path == url or (
            name != "incentives:application-list" and request.path.startswith(url)
        )
        items.append((label, url, current))
    return {"links": items, "reviewer": is_reviewer(user)}
