"""The monthly situation bulletin, drafted by the platform from the figures, in the language asked for.

Sentences are translatable templates filled with the figures, so the same draft reads in Chinese and in
Tibetan; the statistician edits the printed draft, not the numbers.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext

from anjian.accidents import rules as accident_rules
from anjian.accidents.models import Sector
from anjian.core.models import Division
from anjian.indicators import charts, rules, statistics


def _trend(change: Decimal | None) -> str:
    if change is None:
        return _("with nothing to compare last year")
    if change < 0:
        return _("down %(pct)s%% on last year") % {"pct": -change}
    if change > 0:
        return _("up %(pct)s%% on last year") % {"pct": change}
    return _("the same as last year")


def draft(person, year: int, month: int, division: str, language: str = "zh-hans") -> dict:
    """The bulletin of January to `month` of `year` for a division: paragraphs, a table and charts."""
    with override(language):
        place = Division.objects.get(code=division) if division else None
        place_name = place.name if place else _("all divisions")
        period = rules.year_to_date(year, month)
        total = statistics.table(person, period, "none", division=division)["total"]
        sectors = statistics.table(person, period, "sector", division=division, with_previous=False)["rows"]
        divisions = statistics.table(person, period, "division", division=division, with_previous=False)["rows"]
        targets = statistics.target_progress(person, year, division, through=month)
        paragraphs = [
            _(
                "From January to %(month)s %(year)s, %(place)s had %(accidents)s production-safety accidents "
                "(%(accidents_trend)s) with %(deaths)s deaths (%(deaths_trend)s), %(serious)s people seriously "
                "injured and a direct economic loss of %(loss)s ten-thousand yuan."
            )
            % {
                "month": month,
                "year": year,
                "place": place_name,
                "accidents": total["accidents"],
                "accidents_trend": _trend(total["yoy"]["accidents"]),
                "deaths": total["deaths"],
                "deaths_trend": _trend(total["yoy"]["deaths"]),
                "serious": total["serious_injuries"],
                "loss": (total["direct_loss_yuan"] / 10000).quantize(Decimal("0.1")),
            },
            _("Larger and above accidents: %(count)s (last year %(last)s).")
            % {"count": total["larger_accidents"], "last": total["last_year"]["larger_accidents"]},
        ]
        labels = dict(Sector.choices)
        for row in sectors:
            if row["accidents"] or row["last_year"]["accidents"]:
                paragraphs.append(
                    _("%(sector)s: %(accidents)s accidents and %(deaths)s deaths, deaths %(trend)s.")
                    % {
                        "sector": labels.get(row["key"], row["key"]),
                        "accidents": row["accidents"],
                        "deaths": row["deaths"],
                        "trend": _trend(row["yoy"]["deaths"]),
                    }
                )
        rising = [r["label"] for r in divisions if r["yoy"]["deaths"] is not None and r["yoy"]["deaths"] > 0]
        if rising:
            paragraphs.append(_("Deaths rose in: %(places)s.") % {"places": "、".join(rising)})
        for target in targets:
            if target["sector"]:
                continue
            paragraphs.append(
                _(
                    "%(place)s has used %(deaths)s of its yearly control target of %(cap)s deaths (%(pct)s%%) with "
                    "%(elapsed)s%% of the year gone."
                )
                % {
                    "place": target["name"],
                    "deaths": target["deaths"],
                    "cap": target["max_deaths"],
                    "pct": (target["share"] * 100).quantize(Decimal("0.1")) if target["share"] is not None else "—",
                    "elapsed": (target["elapsed"] * 100).quantize(Decimal("0.1")),
                }
            )
        series = statistics.series_by_month(person, year, division=division)
        month_labels = [str(m) for m in range(1, 13)]
        trend_chart = charts.line_chart(
            month_labels,
            [
                (str(year - 1), [series[year - 1][m]["deaths"] for m in range(1, 13)]),
                (str(year), [series[year][m]["deaths"] if m <= month else None for m in range(1, 13)]),
            ],
            title=_("Deaths by month"),
            unit=pgettext("unit of a count", "people"),
        )
        sector_chart = charts.composition_chart(
            [(labels.get(r["key"], r["key"]), r["deaths"]) for r in sectors],
            title=_("Deaths by sector"),
            unit=pgettext("unit of a count", "people"),
            empty_text=_("No deaths."),
        )
        return {
            "title": _("Work-safety situation bulletin, January to %(month)s %(year)s")
            % {"month": month, "year": year},
            "place": place_name,
            "paragraphs": paragraphs,
            "divisions": divisions,
            "total": total,
            "charts": [trend_chart, sector_chart],
            "language": language,
            "larger_and_above": accident_rules.LARGER_AND_ABOVE,
        }
