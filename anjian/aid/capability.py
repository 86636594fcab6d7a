"""Each bureau's capability in the five systems: the indicators (a standard catalogue), targets with dates, values
with their history, the gap to the target, and the aid items meant to move each indicator.

Kept by those with aid.keep_capability of a bureau over the division; read by the bureaus over it and by the
supporting units with a plan for the division's bureau (they see only their own aid behind it)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from anjian.aid import permissions as perms
from anjian.aid import rules, selectors
from anjian.aid.models import Indicator, Measurement, System, Target
from anjian.aid.services import audit, day_checked
from anjian.core.audit import snapshot
from anjian.core.errors import DomainError, NotFound, PermissionDenied
from anjian.core.models import Division, Organisation, OrganisationKind, _localised
from anjian.core.rules import is_division_code
from anjian.core.scope import scope_for

# The standard catalogue: code, system, unit, higher is better, (lowest, highest, whole numbers), zh, bo, en.
# Percentages run to 200 for staff in post (aid cadres can take a bureau past its establishment).
COUNT = (Decimal(0), Decimal(1_000_000), True)
PERCENT = (Decimal(0), Decimal(100), False)
CATALOGUE = [
    ("enf_staff_ratio", System.ENFORCEMENT, "%", True, (Decimal(0), Decimal(200), False),
     "执法人员在岗率（在岗/编制）", "ཁྲིམས་ལག་བསྟར་མི་སྣ་ལས་གནས་ཐོག་ཡོད་ཚད། (ལས་གནས་ཐོག་/གྲངས་འཛིན།)",
     "Enforcement staff in post against establishment"),
    ("enf_vehicles", System.ENFORCEMENT, "辆", True, COUNT,
     "执法车辆", "ཁྲིམས་ལག་བསྟར་སྣུམ་འཁོར།", "Enforcement vehicles"),
    ("enf_recorders", System.ENFORCEMENT, "台", True, COUNT,
     "执法记录仪", "ཁྲིམས་ལག་བསྟར་ཟིན་འགོད་འཕྲུལ་ཆས།", "Law-enforcement recorders"),
    ("info_terminals", System.INFORMATION, "台", True, COUNT,
     "已联网信息终端", "དྲ་འབྲེལ་བྱས་ཟིན་པའི་ཆ་འཕྲིན་མཐའ་སྣེ།", "Information terminals connected"),
    ("info_reports_on_time", System.INFORMATION, "%", True, PERCENT,
     "事故信息按时报送率", "དོན་རྐྱེན་ཆ་འཕྲིན་དུས་ཐོག་སྙན་ཞུ་བྱས་ཚད།", "Accident reports on time"),
    ("trn_exam_seats", System.TRAINING, "个", True, COUNT,
     "培训考试机位", "སྦྱོང་བརྡར་དང་ཚོད་ལྟའི་གདན་གྲངས།", "Training and exam seats"),
    ("trn_examiners", System.TRAINING, "人", True, COUNT,
     "持证考评员", "ལག་ཁྱེར་ཡོད་པའི་ཚོད་ལྟ་དཔྱད་སྡུར་བ།", "Certified examiners"),
    ("emg_command_centre", System.EMERGENCY, "0/1", True, (Decimal(0), Decimal(1), True),
     "应急指挥中心建成", "ཛ་དྲག་བཀོད་ཁྲིད་ལྟེ་གནས་བཙུགས་ཟིན།", "Emergency command centre built"),
    ("emg_rescue_teams", System.EMERGENCY, "支", True, COUNT,
     "专业救援队伍", "ཆེད་ལས་སྐྱོབ་འདོན་དཔུང་ཁག", "Professional rescue teams"),
    ("emg_rescue_members", System.EMERGENCY, "人", True, COUNT,
     "救援队员", "སྐྱོབ་འདོན་དཔུང་མི།", "Rescue team members"),
    ("sup_experts", System.SUPPORT, "人", True, COUNT,
     "专家库专家", "ཆེད་མཁས་པའི་མཛོད་ཁྲོད་ཀྱི་ཆེད་མཁས་པ།", "Experts in the pool"),
    ("sup_institutions", System.SUPPORT, "家", True, COUNT,
     "合作技术服务机构", "མཉམ་ལས་བྱེད་པའི་ལག་རྩལ་རྒྱབ་སྐྱོར་སྒྲིག་འཛུགས།", "Technical institutions engaged"),
]  # fmt: skip
BOUNDS = {row[0]: row[4] for row in CATALOGUE}
UNIT_BOUNDS = {"%": PERCENT, "0/1": (Decimal(0), Decimal(1), True)}
LIMIT = Decimal("1e12")
CENT = Decimal("0.01")


def ensure_indicators() -> int:
    """Create the standard catalogue's indicators that are missing (names and units already kept are left as
    they are); the number created."""
    created = 0
    with transaction.atomic():
        for code, system, unit, higher, _bounds, zh, bo, en in CATALOGUE:
            _, made = Indicator.objects.get_or_create(
                code=code,
                defaults={"system": system, "unit": unit, "higher_is_better": higher, "name_zh": zh, "name_bo": bo,
                          "name_en": en},
            )  # fmt: skip
            created += made
    return created


def indicator_name(indicator: Indicator) -> str:
    return _localised(indicator.name_zh, indicator.name_en, indicator.name_bo)


def indicators() -> QuerySet[Indicator]:
    return Indicator.objects.order_by("system", "code")


# --- writes ----------------------------------------------------------------------------------------------------------


def value_problem(indicator: Indicator, value) -> tuple[str, Decimal | None]:
    """("", the value) or (a code, None): a number in fen, within ±a trillion and within the indicator's bounds
    (a count is a whole number not below 0, a percentage 0 to 100, built-or-not 0 or 1)."""
    if isinstance(value, bool):
        return "value_invalid", None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return "value_invalid", None
    if not number.is_finite() or abs(number) >= LIMIT or number != number.quantize(CENT):
        return "value_invalid", None
    low, high, whole = BOUNDS.get(indicator.code) or UNIT_BOUNDS.get(indicator.unit) or (-LIMIT, LIMIT, False)
    if number < low or number > high or (whole and number != number.to_integral_value()):
        return "value_invalid", None  # wanted: value_out_of_range
    return "", number


def _value(indicator: Indicator, value, field: str) -> Decimal:
    problem, number = value_problem(indicator, value)
    if problem:
        raise DomainError(problem, field=field)
    return number


def _keeper_over(actor, division_code: str) -> tuple[Organisation, Division, Organisation]:
    """The actor's organisation, the division and its bureau: keep_capability, the division in the actor's area,
    and a bureau there."""
    organisation = actor.organisation
    if organisation is None or not actor.has_perm(perms.KEEP_CAPABILITY):
        raise PermissionDenied()
    code = (division_code or "").strip()
    division = Division.objects.filter(code=code).first() if is_division_code(code) else None
    if division is None:
        raise DomainError("division_unknown", field="division_code", code=code)
    if not scope_for(actor).contains_division(code):
        raise DomainError("division_out_of_scope", field="division_code", status=403, code=code)
    bureau = _bureau_of(code)
    if bureau is None:
        raise DomainError("division_not_bureau", field="division_code")
    return organisation, division, bureau


def _bureau_of(code: str) -> Organisation | None:
    return Organisation.objects.filter(kind=OrganisationKind.BUREAU, division_id=code, is_active=True).first()


def _indicator(code) -> Indicator:
    indicator = Indicator.objects.filter(code=(code or "").strip()).first()
    if indicator is None:
        raise DomainError("indicator_unknown", field="indicator_code", code=code)
    return indicator


def target_set(actor, *, division_code: str, indicator_code: str, value, due_on, baseline=None) -> Target:
    """A bureau's target for an indicator by a date, set by a bureau above it (a prefecture or county bureau does not
    set its own targets; the provincial bureau sets its own and those below it). Setting it again for the same date
    replaces it. A target lies beyond its baseline in the direction the indicator improves."""
    organisation, division, _bureau = _keeper_over(actor, division_code)
    if organisation.division_id == division.code and division.level not in ("national", "province"):
        raise DomainError("target_own", field="division_code", status=403)
    indicator = _indicator(indicator_code)
    value = _value(indicator, value, "value")
    baseline = None if baseline in (None, "") else _value(indicator, baseline, "baseline")
    if baseline is not None and (value < baseline if indicator.higher_is_better else value > baseline):
        raise DomainError("target_behind_baseline", field="value")
    due_on = day_checked(due_on, "due_on", past=False)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                target = (
                    Target.objects.select_for_update()
                    .filter(division=division, indicator=indicator, due_on=due_on)
                    .first()
                )
                before = snapshot(target) if target else None
                if target is None:
                    target = Target(division=division, indicator=indicator, due_on=due_on)
                target.value, target.baseline, target.set_by, target.set_at = value, baseline, actor, timezone.now()
                target.save()
                audit(actor, "update" if before else "create", target, before=before, division_code=division.code,
                       organisation_id=organisation.pk)  # fmt: skip
            return target
        except IntegrityError:
            continue  # a first setting of the same target committed meanwhile: replace it
    raise DomainError("target_own", field="division_code", status=409)


def measurement_record(
    actor, *, division_code: str, indicator_code: str, value, as_of, source: str = ""
) -> Measurement:
    """A bureau's value of an indicator on a day (not in the future), one a day: a correction is a value of a later
    day, so the history stays as it was reported."""
    organisation, division, _bureau = _keeper_over(actor, division_code)
    indicator = _indicator(indicator_code)
    value = _value(indicator, value, "value")
    as_of = day_checked(as_of, "as_of")
    source = (source or "").strip()[:300]
    if Measurement.objects.filter(division=division, indicator=indicator, as_of=as_of).exists():
        raise DomainError("measurement_exists", field="as_of", status=409)
    try:
        with transaction.atomic():
            measurement = Measurement.objects.create(
                division=division, indicator=indicator, value=value, as_of=as_of, source=source, recorded_by=actor
            )
            audit(actor, "create", measurement, division_code=division.code, organisation_id=organisation.pk)
    except IntegrityError:
        raise DomainError("measurement_exists", field="as_of", status=409) from None
    return measurement


# --- reads -----------------------------------------------------------------------------------------------------------


def divisions_readable(person) -> tuple[str | None, set[str]]:
    """Whose capability a person reads: a bureau, its division and those below (the prefix); a supporting unit, the
    divisions of the bureaus its plans support (the codes)."""
    scope = scope_for(person)
    if scope.is_empty:
        return None, set()
    if scope.division_prefix is not None:
        return scope.division_prefix, set()
    codes = Organisation.objects.filter(
        kind=OrganisationKind.BUREAU, aid_received_plans__supporter_id=scope.organisation_id
    ).values_list("division_id", flat=True)
    return None, set(codes)


def _readable_division(person, code: str) -> Division:
    code = (code or "").strip()
    if not is_division_code(code):
        raise NotFound()
    prefix, codes = divisions_readable(person)
    if not (prefix is not None and code.startswith(prefix)) and code not in codes:
        raise NotFound()
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise NotFound()
    return division


def nearest_target(targets: list[Target], today: datetime.date) -> Target | None:
    """Of one indicator's targets sorted by date: the nearest not yet past, else the latest."""
    return next((t for t in targets if t.due_on >= today), targets[-1] if targets else None)


def _figures(indicator: Indicator, current: Measurement | None, target: Target | None) -> dict:
    value = current.value if current else None
    return {
        "current": value,
        "as_of": current.as_of if current else None,
        "target": target,
        "gap": rules.gap(target.value, value, indicator.higher_is_better) if target else None,
        "attainment": rules.attainment(target.value, value, target.baseline) if target else None,
    }


def item_row(item) -> dict:
    return {
        "id": item.pk,
        "title": item.title,
        "form": item.form,
        "supporter": item.plan.supporter_id,
        "supporter_name": item.plan.supporter.name,
        "receiver": item.receiver_id,
        "receiver_name": item.receiver.name,
        "division_code": item.division_code,
        "status": item.status,
        "deadline": item.deadline,
        "amount_yuan": item.amount_yuan,
    }


def capability_of(person, division_code: str, today: datetime.date | None = None) -> dict:
    """A bureau's capability, indicator by indicator (the whole catalogue, by system): the current value (the latest
    measured) and its history oldest first with each change, the nearest target not yet past (or the latest), the
    gap and the share of the way from the baseline, and the aid items received by the bureau that name the indicator
    (those the person sees), with their supporter, receiver and status."""
    today = today or timezone.localdate()
    division = _readable_division(person, division_code)
    bureau = _bureau_of(division.code)
    if bureau is None:
        raise DomainError("division_not_bureau", field="division_code")
    history: dict[int, list] = {}
    for m in Measurement.objects.filter(division=division).order_by("as_of", "pk"):
        history.setdefault(m.indicator_id, []).append(m)
    targets: dict[int, list] = {}
    for t in Target.objects.filter(division=division).order_by("due_on"):
        targets.setdefault(t.indicator_id, []).append(t)
    aid: dict[int, list] = {}
    items = (
        selectors.items_visible_to(person)
        .filter(division_code=division.code, indicators__isnull=False)
        .distinct()
        .prefetch_related("indicators")
        .order_by("deadline", "pk")
    )
    for item in items:
        for indicator in item.indicators.all():
            aid.setdefault(indicator.pk, []).append(item_row(item))
    rows = []
    for indicator in indicators():
        measured = history.get(indicator.pk, [])
        steps, previous = [], None
        for m in measured:
            change = None if previous is None else m.value - previous
            steps.append({"as_of": m.as_of, "value": m.value, "source": m.source, "change": change})
            previous = m.value
        current = measured[-1] if measured else None
        target = nearest_target(targets.get(indicator.pk, []), today)
        rows.append(
            {"indicator": indicator, "history": steps, "aid": aid.get(indicator.pk, [])}
            | _figures(indicator, current, target)
        )
    return {"division": division, "bureau": bureau, "indicators": rows}


def _table_division(person, division: str) -> Division:
    code = (division or "").strip()
    if not code and person.organisation is not None:
        code = person.organisation.division_id
    if code.isdigit() and len(code) in (2, 4):
        code = code.ljust(6, "0")
    scope = scope_for(person)
    if not is_division_code(code) or not scope.contains_division(code):
        raise NotFound()
    found = Division.objects.filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


def capability_table(person, division_prefix: str = "", today: datetime.date | None = None) -> dict:
    """The bureaus one level below a division in the person's area (the prefectures for the region; the person's
    own division by default) × the indicators: current value, nearest target, gap and attainment. A bureau's view:
    supporting units read the capability of the bureaus they support one at a time (capability_of)."""
    today = today or timezone.localdate()
    division = _table_division(person, division_prefix)
    bureaus = list(
        Organisation.objects.filter(kind=OrganisationKind.BUREAU, is_active=True, division__parent_id=division.code)
        .select_related("division")
        .order_by("division_id")
    )
    codes = [b.division_id for b in bureaus]
    latest_day = Measurement.objects.filter(division=OuterRef("division"), indicator=OuterRef("indicator")).order_by(
        "-as_of"
    )
    current = {
        (m.division_id, m.indicator_id): m
        for m in Measurement.objects.filter(division_id__in=codes, as_of=Subquery(latest_day.values("as_of")[:1]))
    }
    targets: dict[tuple, list] = {}
    for t in Target.objects.filter(division_id__in=codes).order_by("due_on"):
        targets.setdefault((t.division_id, t.indicator_id), []).append(t)
    catalogue = list(indicators())
    rows = []
    for bureau in bureaus:
        cells = []
        for indicator in catalogue:
            key = (bureau.division_id, indicator.pk)
            target = nearest_target(targets.get(key, []), today)
            cells.append({"indicator": indicator} | _figures(indicator, current.get(key), target))
        rows.append({"bureau": bureau, "division": bureau.division, "cells": cells})
    return {"division": division, "indicators": catalogue, "rows": rows}
