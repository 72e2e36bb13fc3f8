"""Lead conversions page: leads, clients and the lead conversion rate, with drill-down.

Filters and renders only: every number comes from glofox.dashboard.lead_data, whose queries
read the relations dbt builds for this page and are tested against the semantic layer's
metrics (leads, clients, lead_conversion_rate, median_days_to_conversion). Every filter is
bound to the URL (st.query_params), so a view can be shared, the browser's Back button returns
to the previous filters, and they stay while drilling down and back.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from glofox.dashboard import components, formatting, lead_data, navigation

EVENT_LABELS = {
    "ALL": "Membership or credit pack",
    "MEMBERSHIP": "Membership only",
    "USER_CREDIT": "Credit pack only",
}
POLICY_LABELS = {
    "ALL": "Gyms counting memberships and credit packs",
    "MEMBERSHIP": "Membership-only gyms",
    "USER_CREDIT": "Credit-pack-only gyms",
}
ROW_HEIGHT = 35  # pixels per table row (the e2e test clicks a row by position)
RATE_HELP = (
    "Lead conversion rate = clients / leads: the share of the gyms' members (leads) who bought "
    "what the conversion filter counts. Not the Activity page's 30-day total conversion rate."
)


def _filters(options: dict[str, list[str]]) -> dict[str, Any]:
    """The filter controls, bound to the URL; what counts as a conversion comes first."""
    # The options are the plain words (the URL keeps them too); the codes are looked up.
    event_codes = {label: code for code, label in EVENT_LABELS.items()}
    event_label = st.radio(
        "What counts as a conversion",
        list(event_codes),
        key="event",
        horizontal=True,
        bind="query-params",
        help="A lead becomes a client with its first purchase of this kind: a membership or a "
        "credit pack, a membership only, or a credit pack only.",
    )
    event_filter = event_codes.get(event_label or "", "ALL")
    policy_codes = {POLICY_LABELS.get(code, code): code for code in options["policy"]}
    columns = st.columns([2, 3, 2, 2])
    with columns[0]:
        countries = st.multiselect(
            "Country", options["country"], key="country", bind="query-params"
        )
    with columns[1]:
        policy_labels = st.multiselect(
            "Gym conversion policy",
            list(policy_codes),
            key="policy",
            bind="query-params",
            help="Which purchases each gym itself counts as a conversion.",
        )
    with columns[2]:
        cohorts = st.multiselect(
            "Signup month", options["cohort"], key="cohort", bind="query-params"
        )
    with columns[3]:
        window = st.selectbox(
            "Converted within",
            list(lead_data.WINDOWS),
            key="window",
            bind="query-params",
            help="Count a conversion only when the purchase came less than N days after "
            "signup (both in the branch's local time).",
        )
    more = st.columns(2)
    with more[0]:
        branches = st.multiselect("Branch", options["branch"], key="branch", bind="query-params")
    with more[1]:
        sources = st.multiselect(
            "Source",
            options["source"],
            key="source",
            bind="query-params",
            help="The purchase's source: narrows the clients, not the leads.",
        )
    policies = [policy_codes[label] for label in policy_labels]
    known = [policy for policy in policies if policy in POLICY_LABELS]
    if any(policy != event_filter for policy in known):
        st.warning(
            "The gyms picked count "
            + " / ".join(EVENT_LABELS[policy].lower() for policy in known)
            + " as a conversion, but this view counts "
            + EVENT_LABELS[event_filter].lower()
            + ". To see those gyms by their own rule, choose that under "
            "*What counts as a conversion*.",
            icon="⚠️",
        )
    return {
        "event_filter": event_filter,
        "countries": list(countries),
        "branches": list(branches),
        "sources": list(sources),
        "cohorts": list(cohorts),
        "policies": list(policies),
        "window_days": lead_data.WINDOWS[window or "any time"],
    }


def _kpis(version: str, filters: dict[str, Any]) -> None:
    values = lead_data.kpis(version, filters)
    leads, clients = values["leads"], values["clients"]
    columns = st.columns(4)
    components.kpi(
        columns[0],
        "Leads",
        formatting.count(leads),
        "gym members in scope",
        "Every member of the gyms in scope once, converted or not.",
    )
    components.kpi(
        columns[1],
        "Clients",
        formatting.count(clients),
        f"bought: {EVENT_LABELS[filters['event_filter']].lower()}",
        "Leads who bought what the conversion filter counts (within the window, if any).",
    )
    components.kpi(
        columns[2],
        "Lead conversion rate",
        formatting.rate(clients, leads),
        f"clients / leads = {formatting.ratio_caption(clients, leads)}"
        + (" (small group)" if leads < lead_data.SMALL_GROUP else ""),
        RATE_HELP,
    )
    components.kpi(
        columns[3],
        "Median time to conversion",
        formatting.days(values["median_days"]),
        "signup to purchase, branch local time",
        "Median of (purchase time - signup time) over the clients, in the branch's local time.",
    )


def _set_drill(value: str | None) -> None:
    st.session_state["drill"] = value


def _on_row_select(table_key: str, values: list[str]) -> None:
    rows = st.session_state[table_key].selection.rows
    if rows:
        _set_drill(values[rows[0]])


def _on_bar_select() -> None:
    points = st.session_state["lead_bar"].selection.get("pick") or []
    if points:
        _set_drill(str(points[0].get("value")))


def _rate_table(frame: pd.DataFrame, label: str, key: str, **select: Any) -> None:
    """A table of leads, clients and the rate (a number: sortable, exported as a number)."""
    table = pd.DataFrame(
        {
            label: frame["value"],
            "Leads": frame["leads"],
            "Clients": frame["clients"],
            "Lead conversion rate": frame["rate"],
            "Small group": frame["small_group"],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        key=key,
        row_height=ROW_HEIGHT,
        column_config={
            "Lead conversion rate": st.column_config.NumberColumn(format="percent", help=RATE_HELP),
            "Leads": st.column_config.NumberColumn(help="The sample size of the rate."),
            "Small group": st.column_config.CheckboxColumn(
                help=f"Fewer than {lead_data.SMALL_GROUP} leads: the rate moves a lot with "
                "a single lead."
            ),
        },
        **select,
    )


def _breakdown(version: str, filters: dict[str, Any]) -> tuple[str, list[str]]:
    dimension = st.radio(
        "Break down by",
        list(lead_data.DIMENSIONS),
        format_func=lambda key: lead_data.DIMENSIONS[key][0],
        key="by",
        horizontal=True,
        bind="query-params",
        on_change=_set_drill,
        args=(None,),
    )
    dimension = dimension or "branch"
    frame = lead_data.breakdown(version, filters, dimension)
    label = lead_data.DIMENSIONS[dimension][0]
    values = frame["value"].tolist()
    shown = frame.head(40)
    chart = (
        alt.Chart(shown)
        .mark_bar()
        .encode(
            # The table's order, so bars and rows read alike.
            x=alt.X("value:N", title=label, sort=shown["value"].tolist()),
            y=alt.Y("rate:Q", title="Lead conversion rate", axis=alt.Axis(format="%")),
            opacity=alt.condition("datum.small_group", alt.value(0.4), alt.value(1.0)),
            tooltip=[
                alt.Tooltip("value:N", title=label),
                alt.Tooltip("leads:Q", title="Leads"),
                alt.Tooltip("clients:Q", title="Clients"),
                alt.Tooltip("rate:Q", title="Lead conversion rate", format=".2%"),
                alt.Tooltip("small_group:N", title="Small group"),
            ],
        )
        .add_params(alt.selection_point(name="pick", fields=["value"]))
    )
    st.altair_chart(chart, key="lead_bar", on_select=_on_bar_select, selection_mode="pick")
    st.caption(
        f"Click a bar or a row to see the members behind it (up to {lead_data.DRILL_LIMIT} "
        f"rows). Pale bars and ticked rows: fewer than {lead_data.SMALL_GROUP} leads."
        + (
            " By source: each source's clients / all leads in scope."
            if dimension == "source"
            else ""
        )
    )
    _rate_table(
        frame,
        label,
        "lead_table",
        on_select=lambda: _on_row_select("lead_table", values),
        selection_mode="single-row",
    )
    return dimension, values


def _trend(version: str, filters: dict[str, Any]) -> None:
    st.subheader("Lead conversion rate by signup month")
    # Every signup month, whatever months the filter picks: a trend needs its neighbours.
    frame = lead_data.breakdown(version, {**filters, "cohorts": []}, "cohort")
    if frame.empty:
        st.info("No leads in this view.")
        return
    st.altair_chart(
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("value:O", title="Signup month", sort=frame["value"].tolist()),
            y=alt.Y("rate:Q", title="Lead conversion rate", axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("value:O", title="Signup month"),
                alt.Tooltip("leads:Q", title="Leads"),
                alt.Tooltip("clients:Q", title="Clients"),
                alt.Tooltip("rate:Q", title="Lead conversion rate", format=".2%"),
            ],
        )
    )
    st.caption(
        "Every signup month (the signup-month filter does not apply here; the others do), in "
        "the branch's local time; recent months have had less time to convert."
    )


def _time_to_conversion(version: str, filters: dict[str, Any]) -> None:
    st.subheader("Time from signup to conversion")
    frame = lead_data.time_to_conversion(version, filters)
    if frame.empty:
        st.info("No clients in this view.")
        return
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("band:N", title="Signup to purchase", sort=frame["band"].tolist()),
            y=alt.Y("clients:Q", title="Clients"),
            tooltip=[
                alt.Tooltip("band:N", title="Signup to purchase"),
                alt.Tooltip("clients:Q", title="Clients"),
            ],
        )
    )
    st.altair_chart(chart)


DRILL_HEADERS = {
    "member_id": "Member",
    "branch": "Branch",
    "country": "Country",
    "signup_local": "Signup (branch local time)",
    "status": "Status",
    "event_type": "Purchase",
    "event_id": "Purchase id",
    "event_local": "Purchased (branch local time)",
    "event_name": "Purchase name",
    "event_source": "Source",
    "days_to_conversion": "Days to conversion",
}


def _drill_down(version: str, filters: dict[str, Any], dimension: str, values: list[str]) -> None:
    label = lead_data.DIMENSIONS[dimension][0]
    drill = st.selectbox(
        f"Members behind a {label.lower()}",
        values,
        index=None,
        key="drill",
        bind="query-params",
        placeholder="Pick a value, a bar or a row",
    )
    if not drill:
        return
    count = lead_data.drill_count(version, filters, dimension, drill)
    st.subheader(f"Members: {label} = {drill}")
    st.button("← Back to the overview", key="drill_back", on_click=_set_drill, args=(None,))
    limit = lead_data.DRILL_LIMIT
    st.caption(
        f"{formatting.count(count)} members"
        + (f"; the first {limit} by signup time are shown" if count > limit else "")
        + ". Times are in the local time of the member's branch."
    )
    rows = lead_data.drill(version, filters, dimension, drill).rename(columns=DRILL_HEADERS)
    st.dataframe(rows, hide_index=True, key="drill_table")


def render() -> None:
    st.title("Lead conversions")
    version = components.require(lead_data.RELATIONS)
    components.built_line()
    st.markdown(
        "**Lead conversion rate**: the share of the gyms' members (*leads*) who became "
        "*clients* by buying a membership or a credit pack. Looking for the share of new app "
        "users who paid or sent a message within 30 days? That is the *30-day total "
        "conversion rate* on the Activity page."
    )
    st.page_link(
        navigation.page("activity"), label="Activity: the 30-day total conversion rate", icon="➡️"
    )
    options = lead_data.options(version)
    filters = _filters(options)
    _kpis(version, filters)
    st.divider()
    dimension, values = _breakdown(version, filters)
    st.divider()
    _drill_down(version, filters, dimension, values)
    st.divider()
    _trend(version, filters)
    st.divider()
    _time_to_conversion(version, filters)
