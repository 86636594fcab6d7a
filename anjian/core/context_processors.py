from anjian.core import permissions as perms


def navigation(request):
    """What the navigation may show: only what exists and what the person may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_can_manage_people": user.has_perm(perms.MANAGE_PEOPLE),
        "nav_can_manage_organisations": user.has_perm(perms.MANAGE_ORGANISATIONS),
        "nav_can_view_audit": user.has_perm(perms.VIEW_AUDIT),
    }
