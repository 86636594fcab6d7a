"""The request's client address, for the audit log.

Set once per request by AuditContextMiddleware and read by services when they
write an audit entry, so that no service needs the request object.
"""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

_ip: ContextVar[str | None] = ContextVar("anjian_client_ip", default=None)


def current_ip() -> str | None:
    return _ip.get()


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or the address our own reverse proxy put last in X-Forwarded-For."""
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])  # no IPv6 zone id
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        parsed = parsed.ipv4_mapped  # a dual-stack listener's IPv4 client
    return str(parsed)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _ip.reset(token)
