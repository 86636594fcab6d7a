"""CAP 1.2 alerts: a full bilingual alert renders and passes OASIS's schema; problems() names every missing or wrong
field by its attribute path; the vendored schema really is enforced; CAP's own dateTime form; references."""

import datetime
import zoneinfo
from dataclasses import replace

import pytest
from lxml import etree

from anjian.emergency import cap
from anjian.emergency.cap import CapAlert, CapArea, CapInfo, CapResource

BEIJING = datetime.timezone(datetime.timedelta(hours=8))
SENT = datetime.datetime(2026, 11, 29, 22, 48, 47, tzinfo=BEIJING)
N = f"{{{cap.NAMESPACE}}}"
POLYGON = "29.60,91.00 29.70,91.00 29.70,91.25 29.60,91.25 29.60,91.00"
TIBETAN_HEADLINE = "ལྷ་ས་གྲོང་ཁྱེར་དུ་ས་ཡོམ་ཉེན་བརྡ།"


def full_alert() -> CapAlert:
    areas = (
        CapArea("拉萨市城关区", polygons=(POLYGON,), geocodes=(("adcode", "540102"),)),
        CapArea("堆龙德庆区", circles=("29.65,90.98 15",), geocodes=(("adcode", "540103"), ("GB/T2260", "540103"))),
    )
    resource = CapResource("影响范围图", "image/png", uri="https://yjj.example.gov.cn/cap/map.png", size=48213)
    zh = CapInfo(
        category=("Geo", "Safety"),
        event="地震",
        urgency="Immediate",
        severity="Severe",
        certainty="Observed",
        response_type=("Evacuate", "Monitor"),
        audience="公众",
        headline="拉萨市发生4.9级地震",
        description="震中位于拉萨市城关区，震源深度10千米。",
        instruction="远离危房，到空旷地带避险。",
        sender_name="西藏自治区应急管理厅",
        effective=SENT,
        onset=SENT - datetime.timedelta(minutes=5),
        expires=SENT + datetime.timedelta(hours=12),
        web="https://yjj.example.gov.cn/cap/XZ-2026-0001",
        contact="0891-1234567",
        parameters=(("magnitude", "4.9"), ("depth_km", "10")),
        areas=areas,
        resources=(resource,),
        event_codes=(("GB/T 35965.1", "11B01"),),
    )
    bo = replace(
        zh,
        language="bo",
        audience="",
        headline=TIBETAN_HEADLINE,
        description="ལྷ་ས་གྲོང་ཁྱེར་དུ་ས་ཡོམ་བྱུང་།",
        instruction="ཉེན་ཁ་ཡོད་པའི་ཁང་པ་ནས་ཐག་རིང་དུ་སྡོད།",
        sender_name="བོད་ལྗོངས་ཉེན་རྒོལ་དོ་དམ་ཐིང་།",
        resources=(),
    )
    return CapAlert(
        identifier="XZ-YJT-2026-0001",
        sender="yjt@xizang.example.gov.cn",
        sent=SENT,
        status="Actual",
        msg_type="Alert",
        scope="Public",
        source="地震台网",
        codes=("GB/T 35965.1-2018",),
        note="首次发布",
        incidents=("XZ-EQ-2026-07",),
        infos=(zh, bo),
    )


def with_info(alert: CapAlert, k: int = 0, **changes) -> CapAlert:
    infos = list(alert.infos)
    infos[k] = replace(infos[k], **changes)
    return replace(alert, infos=tuple(infos))


def with_area(alert: CapAlert, k: int = 0, **changes) -> CapAlert:
    areas = list(alert.infos[0].areas)
    areas[k] = replace(areas[k], **changes)
    return with_info(alert, areas=tuple(areas))


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)  # our own output


def test_a_full_bilingual_alert_renders_and_passes_the_oasis_schema():
    alert = full_alert()
    assert cap.problems(alert) == []
    xml = cap.render(alert)
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert cap.validate(xml) == []
    root = parse(xml)
    assert root.tag == f"{N}alert" and root.nsmap == {None: cap.NAMESPACE}
    infos = root.findall(f"{N}info")
    assert [i.findtext(f"{N}language") for i in infos] == ["zh-CN", "bo"]
    assert infos[1].findtext(f"{N}headline") == TIBETAN_HEADLINE
    assert TIBETAN_HEADLINE.encode("utf-8") in xml  # UTF-8, not character references
    assert [c.text for c in infos[0].findall(f"{N}category")] == ["Geo", "Safety"]
    assert infos[0].find(f"{N}resource/{N}size").text == "48213"
    assert [p.findtext(f"{N}valueName") for p in infos[0].findall(f"{N}parameter")] == ["magnitude", "depth_km"]
    areas = infos[0].findall(f"{N}area")
    assert areas[0].findtext(f"{N}polygon") == POLYGON
    assert areas[1].findtext(f"{N}circle") == "29.65,90.98 15"
    assert areas[0].find(f"{N}geocode/{N}value").text == "540102"
    assert root.findtext(f"{N}incidents") == "XZ-EQ-2026-07"
    assert cap.render(alert) == xml  # deterministic


def test_elements_follow_the_schema_sequence():
    root = parse(cap.render(full_alert()))
    top = [etree.QName(e).localname for e in root]
    assert top == [
        "identifier",
        "sender",
        "sent",
        "status",
        "msgType",
        "source",
        "scope",
        "code",
        "note",
        "incidents",
        "info",
        "info",
    ]
    info = [etree.QName(e).localname for e in root.find(f"{N}info")]
    assert info == [
        "language",
        "category",
        "category",
        "event",
        "responseType",
        "responseType",
        "urgency",
        "severity",
        "certainty",
        "audience",
        "eventCode",
        "effective",
        "onset",
        "expires",
        "senderName",
        "headline",
        "description",
        "instruction",
        "web",
        "contact",
        "parameter",
        "parameter",
        "resource",
        "area",
        "area",
    ]


def test_the_enumerations_are_the_schemas():
    xsd = etree.parse(str(cap.SCHEMA_PATH))
    xs = "{http://www.w3.org/2001/XMLSchema}"
    root = xsd.getroot()
    assert root.get("targetNamespace") == cap.NAMESPACE == "urn:oasis:names:tc:emergency:cap:1.2"
    assert "Copyright OASIS Open" in cap.SCHEMA_PATH.read_text()

    def enum(name):
        (element,) = [e for e in root.iter(f"{xs}element") if e.get("name") == name]
        return tuple(v.get("value") for v in element.iter(f"{xs}enumeration"))

    assert enum("status") == cap.STATUS
    assert enum("msgType") == cap.MSG_TYPE
    assert enum("scope") == cap.SCOPE
    assert enum("category") == cap.CATEGORY
    assert enum("responseType") == cap.RESPONSE_TYPE
    assert enum("urgency") == cap.URGENCY
    assert enum("severity") == cap.SEVERITY
    assert enum("certainty") == cap.CERTAINTY


REMOVALS = [
    ("identifier", lambda a: replace(a, identifier="")),
    ("sender", lambda a: replace(a, sender=" ")),
    ("sent", lambda a: replace(a, sent=None)),
    ("status", lambda a: replace(a, status="")),
    ("msg_type", lambda a: replace(a, msg_type="")),
    ("scope", lambda a: replace(a, scope="")),
    ("infos[0].category", lambda a: with_info(a, category=())),
    ("infos[0].event", lambda a: with_info(a, event="")),
    ("infos[1].urgency", lambda a: with_info(a, 1, urgency="")),
    ("infos[0].severity", lambda a: with_info(a, severity="")),
    ("infos[0].certainty", lambda a: with_info(a, certainty="")),
    ("infos[0].areas[1].area_desc", lambda a: with_area(a, 1, area_desc="")),
    ("infos[0].resources[0].resource_desc", lambda a: with_info(a, resources=(CapResource("", "image/png"),))),
    ("infos[0].resources[0].mime_type", lambda a: with_info(a, resources=(CapResource("图", ""),))),
    ("infos[0].parameters[1]", lambda a: with_info(a, parameters=(("a", "1"), ("", "2")))),
    ("infos[0].areas[0].geocodes[0]", lambda a: with_area(a, 0, geocodes=(("adcode", ""),))),
    ("restriction", lambda a: replace(a, scope="Restricted")),
    ("addresses", lambda a: replace(a, scope="Private")),
    ("references", lambda a: replace(a, msg_type="Update")),
    ("references", lambda a: replace(a, msg_type="Cancel")),
]


@pytest.mark.parametrize(("field", "remove"), REMOVALS, ids=[f"{f}-{i}" for i, (f, _) in enumerate(REMOVALS)])
def test_each_missing_required_field_is_named(field, remove):
    alert = remove(full_alert())
    assert cap.problems(alert) == [(field, "cap_required")]
    with pytest.raises(ValueError, match=field.replace("[", r"\[").replace("]", r"\]")):
        cap.render(alert)


INVALID = [
    ("identifier", lambda a: replace(a, identifier="XZ 2026")),
    ("identifier", lambda a: replace(a, identifier="XZ,2026")),
    ("identifier", lambda a: replace(a, identifier="XZ<2026")),
    ("sender", lambda a: replace(a, sender="yjt&co@example.cn")),
    ("sent", lambda a: replace(a, sent=SENT.replace(tzinfo=None))),
    ("status", lambda a: replace(a, status="actual")),
    ("msg_type", lambda a: replace(a, msg_type="Notice")),
    ("scope", lambda a: replace(a, scope="Everyone")),
    ("infos[0].category[1]", lambda a: with_info(a, category=("Geo", "Quake"))),
    ("infos[0].response_type[0]", lambda a: with_info(a, response_type=("Run",))),
    ("infos[1].severity", lambda a: with_info(a, 1, severity="Huge")),
    ("infos[0].language", lambda a: with_info(a, language="zh_CN")),
    ("infos[0].expires", lambda a: with_info(a, effective=None, expires=SENT - datetime.timedelta(seconds=1))),
    ("infos[0].expires", lambda a: with_info(a, effective=SENT + datetime.timedelta(days=1))),
    ("infos[0].onset", lambda a: with_info(a, onset=datetime.datetime(2026, 11, 29, 22, 0))),
    ("infos[0].areas[0].polygons[0]", lambda a: with_area(a, polygons=("29.6,91.0 29.7,91.0 29.7,91.2 29.6,91.2",))),
    ("infos[0].areas[0].polygons[0]", lambda a: with_area(a, polygons=("29.6,91.0 29.7,91.0 29.6,91.0",))),
    ("infos[0].areas[0].polygons[0]", lambda a: with_area(a, polygons=("29.6;91.0 29.7,91 29.7,91.2 29.6;91.0",))),
    ("infos[0].areas[0].polygons[0]", lambda a: with_area(a, polygons=("95,91 96,91 96,92 95,91",))),
    ("infos[0].areas[1].circles[0]", lambda a: with_area(a, 1, circles=("29.65,90.98",))),
    ("infos[0].areas[1].circles[0]", lambda a: with_area(a, 1, circles=("29.65,90.98 -3",))),
    ("infos[0].resources[0].size", lambda a: with_info(a, resources=(CapResource("图", "image/png", size=-1),))),
    ("references[0]", lambda a: replace(a, msg_type="Update", references=(("s", "id 1", SENT),))),
    ("references[0]", lambda a: replace(a, msg_type="Update", references=(("s", "id", SENT.replace(tzinfo=None)),))),
    ("addresses", lambda a: replace(a, scope="Private", addresses=('say "hi"',))),
    ("infos[0].description", lambda a: with_info(a, description="bell \x07")),
]


@pytest.mark.parametrize(("field", "spoil"), INVALID, ids=[f"{f}-{i}" for i, (f, _) in enumerate(INVALID)])
def test_each_wrong_value_is_named(field, spoil):
    alert = spoil(full_alert())
    assert cap.problems(alert) == [(field, "cap_value_invalid")]
    with pytest.raises(ValueError):
        cap.render(alert)


@pytest.mark.parametrize(
    "tag",
    [
        "identifier",
        "sender",
        "sent",
        "status",
        "msgType",
        "scope",
        "category",
        "event",
        "urgency",
        "severity",
        "certainty",
        "areaDesc",
        "resourceDesc",
        "mimeType",
        "valueName",
    ],
)
def test_the_schema_is_enforced_on_xml_missing_a_required_element(tag):
    root = parse(cap.render(full_alert()))
    parent = next(root.iter(f"{N}{tag}")).getparent()
    for element in parent.findall(f"{N}{tag}"):  # all of them: the first info has two categories
        parent.remove(element)
    errors = cap.validate(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    assert errors and all(e.startswith("line ") for e in errors)
    assert any("Missing child element" in e or "not expected" in e for e in errors)


def test_the_schema_is_enforced_on_values_order_and_cap_time_form():
    xml = cap.render(full_alert())
    assert cap.validate(xml.replace(b"+08:00</sent>", b"Z</sent>"))  # CAP forbids "Z"
    assert cap.validate(xml.replace(b"<status>Actual</status>", b"<status>Real</status>"))
    assert cap.validate(xml.replace(b"<size>48213</size>", b"<size>big</size>"))
    swapped = xml.replace(b"<urgency>Immediate</urgency>", b"").replace(
        b"<certainty>Observed</certainty>", b"<certainty>Observed</certainty><urgency>Immediate</urgency>"
    )
    assert cap.validate(swapped)


def test_validate_reports_a_parse_failure_or_a_foreign_root_as_one_message():
    assert len(cap.validate(b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>")) == 1
    assert len(cap.validate(b"")) == 1
    # the schema also declares <value>: valid against it, but not an alert
    assert cap.validate(b"<value xmlns='urn:oasis:names:tc:emergency:cap:1.2'>x</value>") == [
        f"the root element is {N}value, not {N}alert"
    ]


def test_entities_are_not_expanded():
    xml = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'
    assert len(cap.validate(xml)) == 1


@pytest.mark.parametrize(
    ("sent", "text"),
    [
        (SENT, "2026-11-29T22:48:47+08:00"),
        (datetime.datetime(2026, 11, 29, 22, 48, 47, 999999, tzinfo=BEIJING), "2026-11-29T22:48:47+08:00"),
        (datetime.datetime(2026, 11, 29, 14, 48, 47, tzinfo=datetime.UTC), "2026-11-29T14:48:47-00:00"),
        (
            datetime.datetime(
                2026, 11, 29, 20, 18, 47, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=45))
            ),
            "2026-11-29T20:18:47+05:45",
        ),
        (
            datetime.datetime(2026, 11, 29, 9, 48, 47, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
            "2026-11-29T09:48:47-05:00",
        ),
        (datetime.datetime(2026, 7, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), "2026-07-01T09:00:00+08:00"),
    ],
)
def test_sent_in_caps_datetime_form(sent, text):
    alert = replace(full_alert(), sent=sent, infos=())
    xml = cap.render(alert)
    assert parse(xml).findtext(f"{N}sent") == text
    assert cap.validate(xml) == []


def test_an_offset_with_seconds_cannot_be_written():
    odd = datetime.timezone(datetime.timedelta(hours=6, minutes=5, seconds=43))
    assert cap.problems(replace(full_alert(), sent=SENT.replace(tzinfo=odd))) == [("sent", "cap_value_invalid")]
    with pytest.raises(ValueError):
        cap.cap_datetime(SENT.replace(tzinfo=None))


def test_an_update_without_references_is_refused():
    alert = replace(full_alert(), msg_type="Update")
    assert ("references", "cap_required") in cap.problems(alert)
    with pytest.raises(ValueError, match="references cap_required"):
        cap.render(alert)


def test_an_unclosed_polygon_is_refused():
    alert = with_area(full_alert(), polygons=("29.60,91.00 29.70,91.00 29.70,91.25 29.60,91.25",))
    assert cap.problems(alert) == [("infos[0].areas[0].polygons[0]", "cap_value_invalid")]
    with pytest.raises(ValueError):
        cap.render(alert)
    # closed with the same coordinates written differently is closed
    assert cap.problems(with_area(full_alert(), polygons=("29.6,91 29.7,91.0 29.7,91.25 29.60,91.00",))) == []


def test_ampersand_and_less_than_are_escaped():
    alert = with_info(full_alert(), description="A&B <script>alert(1)</script> ]]>", headline="甲&乙")
    xml = cap.render(alert)
    assert b"A&amp;B &lt;script&gt;alert(1)&lt;/script&gt; ]]&gt;" in xml
    assert b"<script>" not in xml
    assert cap.validate(xml) == []
    info = parse(xml).find(f"{N}info")
    assert info.findtext(f"{N}description") == "A&B <script>alert(1)</script> ]]>"
    assert info.findtext(f"{N}headline") == "甲&乙"


def test_a_cancel_with_references_renders_and_validates():
    first = full_alert()
    utc_first = replace(
        first, identifier="XZ-YJT-2026-0000", sent=datetime.datetime(2026, 11, 29, 14, 0, tzinfo=datetime.UTC)
    )
    cancel = CapAlert(
        identifier="XZ-YJT-2026-0002",
        sender=first.sender,
        sent=SENT + datetime.timedelta(hours=2),
        status="Actual",
        msg_type="Cancel",
        scope="Public",
        note="误报，予以撤销",
        references=(cap.reference(utc_first), cap.reference(first)),
    )
    assert cap.problems(cancel) == []
    xml = cap.render(cancel)
    assert cap.validate(xml) == []
    assert parse(xml).findtext(f"{N}references") == (
        "yjt@xizang.example.gov.cn,XZ-YJT-2026-0000,2026-11-29T14:00:00-00:00 "
        "yjt@xizang.example.gov.cn,XZ-YJT-2026-0001,2026-11-29T22:48:47+08:00"
    )
    assert parse(xml).find(f"{N}info") is None


def test_restricted_and_private_scopes():
    restricted = replace(full_alert(), scope="Restricted", restriction="仅限应急管理部门")
    assert cap.validate(cap.render(restricted)) == []
    private = replace(full_alert(), scope="Private", addresses=("yjj@lasa.example.cn", "拉萨 市局", "x@y"))
    xml = cap.render(private)
    assert cap.validate(xml) == []
    assert parse(xml).findtext(f"{N}addresses") == 'yjj@lasa.example.cn "拉萨 市局" x@y'
    as_text = replace(private, addresses='a@b "c d"')
    assert parse(cap.render(as_text)).findtext(f"{N}addresses") == 'a@b "c d"'


def test_the_schema_is_loaded_once():
    cap.validate(cap.render(full_alert()))
    assert cap._schema() is cap._schema()
