"""OASIS Common Alerting Protocol 1.2 alerts: build one from frozen dataclasses, check it against the standard, render
it as XML, and validate XML against OASIS's own schema.

Source: OASIS Standard "Common Alerting Protocol Version 1.2" (1 July 2010) and its schema, vendored unchanged as
data/CAP-v1.2.xsd (see data/README.md). problems() checks what the standard's prose demands and the schema cannot
see (references of an Update, the polygon's closing pair, restricted characters in identifiers, ...) and names the
field by its dataclass attribute path ("infos[0].areas[1].area_desc"), so a form can refuse with the field named;
render() refuses an alert with problems; validate() runs the schema. Pure: no Django, no request, no network.
"""

import datetime
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

__all__ = [
    "CATEGORY",
    "CERTAINTY",
    "MSG_TYPE",
    "NAMESPACE",
    "RESPONSE_TYPE",
    "SCHEMA_PATH",
    "SCOPE",
    "SEVERITY",
    "STATUS",
    "URGENCY",
    "CapAlert",
    "CapArea",
    "CapInfo",
    "CapResource",
    "cap_datetime",
    "problems",
    "reference",
    "render",
    "validate",
]

NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "CAP-v1.2.xsd"

# The enumerations, exactly as the standard spells them, in its order.
STATUS = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPE = ("Alert", "Update", "Cancel", "Ack", "Error")
SCOPE = ("Public", "Restricted", "Private")
CATEGORY = (
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
)
RESPONSE_TYPE = ("Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None")
URGENCY = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITY = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTY = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")

# Message types that act on earlier messages named in <references> (standard §3.2.1, msgType).
NEEDS_REFERENCES = ("Update", "Cancel", "Ack", "Error")

# Problem codes.
REQUIRED = "cap_required"
INVALID = "cap_value_invalid"


@dataclass(frozen=True)
class CapArea:
    area_desc: str
    polygons: tuple[str, ...] = ()  # each "lat,lon lat,lon ...", at least 4 pairs, the first equal to the last
    circles: tuple[str, ...] = ()  # each "lat,lon radius_km"
    geocodes: tuple[tuple[str, str], ...] = ()  # (valueName, value)


@dataclass(frozen=True)
class CapResource:
    resource_desc: str
    mime_type: str
    uri: str = ""
    size: int | None = None  # bytes


@dataclass(frozen=True)
class CapInfo:
    category: tuple[str, ...]
    event: str
    urgency: str
    severity: str
    certainty: str
    language: str = "zh-CN"
    response_type: tuple[str, ...] = ()
    audience: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    sender_name: str = ""
    effective: datetime.datetime | None = None
    onset: datetime.datetime | None = None
    expires: datetime.datetime | None = None
    web: str = ""
    contact: str = ""
    parameters: tuple[tuple[str, str], ...] = ()  # (valueName, value)
    areas: tuple[CapArea, ...] = ()
    resources: tuple[CapResource, ...] = ()
    event_codes: tuple[tuple[str, str], ...] = ()  # (valueName, value): <eventCode>, e.g. a national event type code


@dataclass(frozen=True)
class CapAlert:
    identifier: str
    sender: str
    sent: datetime.datetime  # timezone-aware
    status: str
    msg_type: str
    scope: str
    source: str = ""
    restriction: str = ""
    # A tuple of addresses is joined with spaces, an address with whitespace inside double-quoted; a str is taken as
    # the element's text, already in that form.
    addresses: str | tuple[str, ...] = ""
    codes: tuple[str, ...] = ()  # one <code> element each
    note: str = ""
    references: tuple[tuple[str, str, datetime.datetime], ...] = ()  # (sender, identifier, sent) of earlier messages
    incidents: str | tuple[str, ...] = ""  # like addresses
    infos: tuple[CapInfo, ...] = ()


def reference(alert: CapAlert) -> tuple[str, str, datetime.datetime]:
    """The (sender, identifier, sent) triplet by which a later Update, Cancel, Ack or Error names this alert."""
    return (alert.sender, alert.identifier, alert.sent)


# --- dates ------------------------------------------------------------------------------------------------------------


def _offset_ok(value: object) -> bool:
    if not isinstance(value, datetime.datetime):
        return False
    offset = value.utcoffset()
    return offset is not None and offset.total_seconds() % 60 == 0 and abs(offset) < datetime.timedelta(days=1)


def cap_datetime(value: datetime.datetime) -> str:
    """CAP's dateTime: "2026-11-29T22:48:47+08:00", whole seconds, the offset in hours and minutes, UTC as "-00:00"
    (the standard forbids "Z"); raises ValueError for a naive datetime."""
    if not _offset_ok(value):
        raise ValueError("CAP times must be timezone-aware with a whole-minute offset")
    minutes = int(value.utcoffset().total_seconds()) // 60
    sign = "-" if minutes <= 0 else "+"
    hh, mm = divmod(abs(minutes), 60)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
        f"{sign}{hh:02d}:{mm:02d}"
    )


def _instant(value: datetime.datetime) -> datetime.datetime:
    return value.replace(microsecond=0)  # compare what is rendered


# --- problems ---------------------------------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all: lxml refuses them, so they are a problem of the field, not a crash.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")  # xs:language
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")


def _blank(value: object) -> bool:
    return not isinstance(value, str) or not value.strip()


def _bad_text(value: object) -> bool:
    """Neither a string XML can carry nor None (an optional element left out; a required one is _blank)."""
    return value is not None and (not isinstance(value, str) or bool(_NOT_XML.search(value)))


def _bad_id(value: str) -> bool:
    """identifier and sender: no whitespace, commas or the restricted characters < and &."""
    return _blank(value) or _bad_text(value) or bool(re.search(r"[\s,<&]", value))


def _pair(text: str) -> tuple[float, float] | None:
    """A WGS 84 "lat,lon" pair, or None."""
    parts = text.split(",")
    if len(parts) != 2 or not all(_NUMBER.fullmatch(p) for p in parts):
        return None
    lat, lon = float(parts[0]), float(parts[1])
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def _polygon_ok(text: object) -> bool:
    if not isinstance(text, str):
        return False
    pairs = [_pair(p) for p in text.split()]
    return len(pairs) >= 4 and None not in pairs and pairs[0] == pairs[-1]


def _circle_ok(text: object) -> bool:
    if not isinstance(text, str):
        return False
    parts = text.split()
    return (
        len(parts) == 2 and _pair(parts[0]) is not None and bool(_NUMBER.fullmatch(parts[1])) and float(parts[1]) >= 0
    )


def _list_text(value: str | tuple[str, ...]) -> str:
    """A space-delimited CAP list: items with whitespace inside are double-quoted."""
    if isinstance(value, str):
        return value
    return " ".join(f'"{item}"' if re.search(r"\s", item) else item for item in value)


def _list_problem(value: object) -> bool:
    if isinstance(value, str):
        return _bad_text(value)
    if not isinstance(value, tuple):
        return True
    return any(_blank(item) or _bad_text(item) or '"' in item for item in value)  # a quote cannot be quoted


def _enum(path: str, value: object, allowed: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    if _blank(value):
        yield (path, REQUIRED)
    elif value not in allowed:
        yield (path, INVALID)


def _texts(prefix: str, obj: object, names: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    for name in names:
        if _bad_text(getattr(obj, name)):
            yield (f"{prefix}{name}", INVALID)


def _pairs(path: str, pairs: object) -> Iterator[tuple[str, str]]:
    """(valueName, value) pairs: both present."""
    if not isinstance(pairs, tuple | list):
        yield (path, INVALID)
        return
    for k, pair in enumerate(pairs):
        if not (isinstance(pair, tuple | list) and len(pair) == 2) or any(_bad_text(v) for v in pair):
            yield (f"{path}[{k}]", INVALID)
        elif any(_blank(v) for v in pair):
            yield (f"{path}[{k}]", REQUIRED)


def _time(path: str, value: object, required: bool = False) -> Iterator[tuple[str, str]]:
    if value is None:
        if required:
            yield (path, REQUIRED)
    elif not _offset_ok(value):
        yield (path, INVALID)


def _area_problems(p: str, area: CapArea) -> Iterator[tuple[str, str]]:
    if _blank(area.area_desc):
        yield (f"{p}area_desc", REQUIRED)
    yield from _texts(p, area, ("area_desc",))
    for k, polygon in enumerate(area.polygons or ()):
        if not _polygon_ok(polygon):
            yield (f"{p}polygons[{k}]", INVALID)
    for k, circle in enumerate(area.circles or ()):
        if not _circle_ok(circle):
            yield (f"{p}circles[{k}]", INVALID)
    yield from _pairs(f"{p}geocodes", area.geocodes)


def _resource_problems(p: str, resource: CapResource) -> Iterator[tuple[str, str]]:
    for name in ("resource_desc", "mime_type"):
        if _blank(getattr(resource, name)):
            yield (f"{p}{name}", REQUIRED)
    yield from _texts(p, resource, ("resource_desc", "mime_type", "uri"))
    size = resource.size
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
        yield (f"{p}size", INVALID)


def _info_problems(p: str, info: CapInfo, sent: object) -> Iterator[tuple[str, str]]:
    if not info.language:
        pass  # optional: the element is left out
    elif not isinstance(info.language, str) or not _LANGUAGE.fullmatch(info.language):
        yield (f"{p}language", INVALID)
    if not info.category:
        yield (f"{p}category", REQUIRED)
    for k, category in enumerate(info.category or ()):
        yield from _enum(f"{p}category[{k}]", category, CATEGORY)
    if _blank(info.event):
        yield (f"{p}event", REQUIRED)
    for k, response in enumerate(info.response_type or ()):
        yield from _enum(f"{p}response_type[{k}]", response, RESPONSE_TYPE)
    yield from _enum(f"{p}urgency", info.urgency, URGENCY)
    yield from _enum(f"{p}severity", info.severity, SEVERITY)
    yield from _enum(f"{p}certainty", info.certainty, CERTAINTY)
    yield from _texts(
        p,
        info,
        ("event", "audience", "sender_name", "headline", "description", "instruction", "web", "contact"),
    )
    yield from _pairs(f"{p}event_codes", info.event_codes)
    for name in ("effective", "onset", "expires"):
        yield from _time(f"{p}{name}", getattr(info, name))
    expires = info.expires
    if _offset_ok(expires):
        earlier = [t for t in (sent, info.effective) if _offset_ok(t)]
        if any(_instant(expires) < _instant(t) for t in earlier):
            yield (f"{p}expires", INVALID)
    yield from _pairs(f"{p}parameters", info.parameters)
    for k, resource in enumerate(info.resources or ()):
        yield from _resource_problems(f"{p}resources[{k}].", resource)
    for k, area in enumerate(info.areas or ()):
        yield from _area_problems(f"{p}areas[{k}].", area)


def problems(alert: CapAlert) -> list[tuple[str, str]]:
    """What the standard requires and this alert lacks or gets wrong, as (field path, code) pairs in document order;
    code is "cap_required" (missing) or "cap_value_invalid" (present but not allowed). [] when it may be rendered."""
    found: list[tuple[str, str]] = []
    add = found.append
    for name in ("identifier", "sender"):
        value = getattr(alert, name)
        if _blank(value):
            add((name, REQUIRED))
        elif _bad_id(value):
            add((name, INVALID))
    found += _time("sent", alert.sent, required=True)
    found += _enum("status", alert.status, STATUS)
    found += _enum("msg_type", alert.msg_type, MSG_TYPE)
    found += _enum("scope", alert.scope, SCOPE)
    found += _texts("", alert, ("source", "restriction", "note"))
    if alert.scope == "Restricted" and _blank(alert.restriction):
        add(("restriction", REQUIRED))
    for name in ("addresses", "incidents"):
        if _list_problem(getattr(alert, name)):
            add((name, INVALID))
        elif name == "addresses" and alert.scope == "Private" and not _list_text(alert.addresses).strip():
            add(("addresses", REQUIRED))
    for k, code in enumerate(alert.codes or ()):
        if _blank(code) or _bad_text(code):
            add((f"codes[{k}]", INVALID))
    for k, ref in enumerate(alert.references or ()):
        if (
            not (isinstance(ref, tuple) and len(ref) == 3)
            or _bad_id(ref[0])
            or _bad_id(ref[1])
            or not _offset_ok(ref[2])
        ):
            add((f"references[{k}]", INVALID))
    if alert.msg_type in NEEDS_REFERENCES and not alert.references:
        add(("references", REQUIRED))
    for k, info in enumerate(alert.infos or ()):
        found += _info_problems(f"infos[{k}].", info, alert.sent)
    return found


# --- render -----------------------------------------------------------------------------------------------------------


def _add(parent: etree._Element, tag: str, value: object = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    if value is not None:
        element.text = value if isinstance(value, str) else str(value)
    return element


def _opt(parent: etree._Element, tag: str, value: str | None) -> None:
    """An optional element, left out when its value is empty or only whitespace."""
    if value and value.strip():
        _add(parent, tag, value)


def _named_values(parent: etree._Element, tag: str, pairs: tuple[tuple[str, str], ...]) -> None:
    for name, value in pairs:
        element = _add(parent, tag)
        _add(element, "valueName", name)
        _add(element, "value", value)


def _render_info(parent: etree._Element, info: CapInfo) -> None:
    # The order of the schema's xs:sequence for <info>.
    element = _add(parent, "info")
    _opt(element, "language", info.language)
    for category in info.category:
        _add(element, "category", category)
    _add(element, "event", info.event)
    for response in info.response_type:
        _add(element, "responseType", response)
    _add(element, "urgency", info.urgency)
    _add(element, "severity", info.severity)
    _add(element, "certainty", info.certainty)
    _opt(element, "audience", info.audience)
    _named_values(element, "eventCode", info.event_codes)
    for name in ("effective", "onset", "expires"):
        if getattr(info, name) is not None:
            _add(element, name, cap_datetime(getattr(info, name)))
    _opt(element, "senderName", info.sender_name)
    _opt(element, "headline", info.headline)
    _opt(element, "description", info.description)
    _opt(element, "instruction", info.instruction)
    _opt(element, "web", info.web)
    _opt(element, "contact", info.contact)
    _named_values(element, "parameter", info.parameters)
    for resource in info.resources:
        r = _add(element, "resource")
        _add(r, "resourceDesc", resource.resource_desc)
        _add(r, "mimeType", resource.mime_type)
        if resource.size is not None:
            _add(r, "size", str(resource.size))
        _opt(r, "uri", resource.uri)
    for area in info.areas:
        a = _add(element, "area")
        _add(a, "areaDesc", area.area_desc)
        for polygon in area.polygons:
            _add(a, "polygon", " ".join(polygon.split()))
        for circle in area.circles:
            _add(a, "circle", " ".join(circle.split()))
        _named_values(a, "geocode", area.geocodes)


def render(alert: CapAlert) -> bytes:
    """The alert as a CAP 1.2 XML document (UTF-8, with declaration, CAP as the default namespace), its elements in
    the schema's order. Raises ValueError naming the problems when problems(alert) finds any."""
    found = problems(alert)
    if found:
        raise ValueError("CAP alert has problems: " + ", ".join(f"{field} {code}" for field, code in found))
    root = etree.Element(f"{{{NAMESPACE}}}alert", nsmap={None: NAMESPACE})
    _add(root, "identifier", alert.identifier)
    _add(root, "sender", alert.sender)
    _add(root, "sent", cap_datetime(alert.sent))
    _add(root, "status", alert.status)
    _add(root, "msgType", alert.msg_type)
    _opt(root, "source", alert.source)
    _add(root, "scope", alert.scope)
    _opt(root, "restriction", alert.restriction)
    _opt(root, "addresses", _list_text(alert.addresses))
    for code in alert.codes:
        _add(root, "code", code)
    _opt(root, "note", alert.note)
    if alert.references:
        _add(root, "references", " ".join(f"{s},{i},{cap_datetime(t)}" for s, i, t in alert.references))
    _opt(root, "incidents", _list_text(alert.incidents))
    for info in alert.infos:
        _render_info(root, info)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", pretty_print=True)


# --- validate ---------------------------------------------------------------------------------------------------------

_lock = threading.Lock()  # an XMLSchema keeps its error log on itself: one validation at a time


@cache
def _schema() -> etree.XMLSchema:
    """OASIS's schema, parsed once, on first use."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), parser))


def validate(xml: bytes) -> list[str]:
    """The schema's error messages for a CAP 1.2 document ([] when it is valid); a document that does not parse,
    or whose root is not a CAP alert, gives one message."""
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        document = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    if document is None:
        return ["not well-formed XML: empty document"]
    if document.tag != f"{{{NAMESPACE}}}alert":
        return [f"the root element is {document.tag}, not {{{NAMESPACE}}}alert"]
    with _lock:
        schema = _schema()
        if schema.validate(document):
            return []
        return [f"line {error.line}: {error.message}" for error in schema.error_log]
