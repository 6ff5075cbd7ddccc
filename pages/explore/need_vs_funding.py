"""Need vs funding: a need indicator against money per person by NUTS 2 region or district, with lines at the
national values."""

import streamlit as st

from si_metrics import charts, funding, i18n
from si_metrics.kpis import POVERTY_INDICATORS
from ui import data
from ui.components import chart_with_table, charts_from, demo_badge, md_escape, paged_table, source_footer
from ui.i18n import date, money, num, t
from ui.state import filters, url_select

f = filters()
charts_from(["observations", "funding_municipalities"])  # the datasets this page's charts draw
release = data.release()
tree = data.areas(release)
country = tree.country(f.region)
country_name = md_escape(tree.label(country, f.lang))
st.title(t("need_title"))
st.caption(t("need_intro"))
level = url_select(
    "level",
    t("need_level"),
    [2, 3],
    2,
    widget="radio",
    format_func=lambda n, lang=f.lang: i18n.translate(lang, f"need_level_{n}"),
)
areas_word = t(f"need_areas_{level}")
available = data.query(release, "need_indicator_years", country=country, level=level)
catalogue = available.drop_duplicates("indicator_code").set_index("indicator_code")
c1, c2, c3 = st.columns([2.5, 1.1, 1.8])
indicator = url_select(
    "indicator",
    t("need_indicator"),
    catalogue.index,
    next((c for c in (*POVERTY_INDICATORS, "AROP_REGIONAL_LINE", "UNEMP") if c in catalogue.index), None),
    container=c1,
    format_func=lambda c, lang=f.lang, cat=catalogue: str(cat.loc[c, f"name_{lang}"]),
)
ind = catalogue.loc[indicator]
label = md_escape(ind[f"name_{f.lang}"])
years = [int(y) for y in available.loc[available["indicator_code"] == indicator, "year"]]
in_period = [y for y in years if f.year_from <= y <= f.year_to]
latest = in_period[-1] if in_period else None
every_year = sorted({int(y) for y in available["year"]}, reverse=True)  # the same for every indicator and period
choice = url_select(
    "year",
    t("need_year"),
    [funding.LATEST, *every_year],
    funding.LATEST,
    container=c2,
    format_func=lambda y, lang=f.lang, last=latest: (
        i18n.translate(lang, "need_year_latest", year=last) if y == funding.LATEST else str(y)
    ),
)
measure = url_select(
    "measure",
    t("need_measure"),
    list(funding.MEASURES),
    "eu_funds",
    widget="radio",
    container=c3,
    format_func=lambda m, lang=f.lang: i18n.translate(lang, f"need_measure_{m}"),
)
cents = 2 if measure == "demo" else 0  # demo money per person is a few euros: show the cents


def eur(value: float) -> str:
    return t("money_unit", amount=num(value, cents))


year = latest if choice == funding.LATEST else (int(choice) if int(choice) in years else None)
money_rows = data.query(
    release, "need_funding", country=country, level=level, year_from=f.year_from, year_to=f.year_to, themes=f.themes
)
need_line = None
if year is None:
    st.info(
        t(
            "need_no_data",
            indicator=label,
            year_from=f.year_from,
            year_to=f.year_to,
            years=funding.year_ranges(years),
            areas=areas_word,
        )
        if choice == funding.LATEST
        else t("need_no_year", indicator=label, year=choice, years=funding.year_ranges(years), areas=areas_word)
    )
else:
    values = data.query(release, "need_values", indicator=indicator, year=year, country=country, level=level)
    frame, money_line = funding.need_and_funding(values, money_rows, measure, country)
    need_line = funding.need_line(values, country)
    if measure == "demo":
        demo_badge()
    if money_line is None or need_line is None or frame["funding"].isna().all():
        st.info(t("need_no_population", year=f.year_to))
    else:
        frame = frame.assign(name=frame["code"].map(tree.names["bg" if f.lang == "bg" else "en"]))
        watch = funding.high_need_low_funding(frame, need_line.value, money_line.value, bool(ind["higher_is_better"]))
        unit = t(f"unit_{ind['unit']}")
        decimals = int(ind["decimals"])
        plot = frame.assign(x=frame["funding"], y=frame["need"], flagged=frame["code"].isin(watch["code"]))
        ringed = tree.at_level(f.region, level)
        fig = charts.quadrants(
            plot,
            x_line=money_line.value,
            y_line=need_line.value,
            lang=f.lang,
            x_label=t(f"need_x_{measure}"),
            y_label=unit,
            selected=ringed,
            x_note=t("need_note_funding", value=eur(money_line.value)),
            y_note=t(
                "need_note_national" if need_line.national else "need_note_weighted",
                value=num(need_line.value, decimals),
            ),
            title=t(
                f"need_chart_title_{measure}",
                indicator=ind[f"name_{f.lang}"],
                year=year,
                country=tree.label(country, f.lang),
                areas=t(f"need_level_{level}"),
            ),
        )
        table = plot.assign(funding=plot["funding"].round(2))[["code", "name", "need", "flag", "funding", "flagged"]]
        table.columns = ["code", "name", "need_value", "flag", "funding_per_person_eur", "high_need_low_funding"]
        chart_with_table(fig, table, key="need_quadrants", file_name=f"need_{indicator}_{year}_vs_{measure}.csv")
        st.caption(
            t(
                "need_line_national" if need_line.national else "need_line_weighted",
                country=country_name,
                value=num(need_line.value, decimals),
                year=year,
                count=need_line.regions,
                pop_year=need_line.pop_year,
                indicator=label,
                areas=areas_word,
            )
        )
        if ringed:
            st.caption(
                t(
                    "need_ringed" if level == 2 else "need_ringed_district",
                    region=md_escape(tree.label(ringed, f.lang)),
                    area=md_escape(tree.label(f.region, f.lang)),
                )
            )
        st.caption(
            t(
                "need_line_funding",
                country=country_name,
                value=eur(money_line.value),
                total=money(money_line.total),
                population=num(money_line.population),
                pop_year=money_line.pop_year,
            )
        )

        st.header(t("need_list_header"))
        st.caption(t("need_list_caption"))
        if watch.empty:
            st.info(t("need_list_empty"))
        else:
            shown = watch.assign(
                need=watch["need"].map(lambda v: num(v, decimals)),
                funding=watch["funding"].map(eur),
                gap=watch["gap"].map(eur),
            )[["name", "need", "funding", "gap"]]
            shown.columns = [
                t("need_col_region"),
                t("need_col_need", unit=unit),
                t("need_col_funding"),
                t("need_col_gap"),
            ]
            paged_table(shown, key="need_watch")

st.header(t("need_basis_header"))
snapshot, pop_year = date(money_rows["snapshot"].max().date()), money_rows["pop_year"].dropna()
pop_year = int(pop_year.max()) if len(pop_year) else "–"
st.info(
    "\n".join(
        [
            "- "
            + t(
                "need_basis_need",
                indicator=label,
                year=year or "–",
                years=funding.year_ranges(years),
                areas=areas_word,
                source=md_escape(", ".join(sorted(set(values["source"].dropna())))) if year is not None else "–",
                national=""
                if need_line is None
                else t("need_basis_national" if need_line.national else "need_basis_no_national", year=year),
            ),
            "- "
            + (
                t("need_basis_eu_funds", snapshot=snapshot, pop_year=pop_year)
                if measure == "eu_funds"
                else t(
                    "need_basis_demo",
                    year_from=f.year_from,
                    year_to=f.year_to,
                    themes=t(f"theme_{f.theme}"),
                    pop_year=pop_year,
                )
            ),
            "- " + t("need_basis_timing"),
        ]
    ),
    icon=":material/info:",
)

source_footer(
    ["observations", "funding_municipalities", "projects"]
    if measure == "demo"
    else ["observations", "funding_municipalities"]
)
