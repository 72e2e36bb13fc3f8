"""The dashboard end to end, in headless Chromium driven by Playwright.

A scratch database gets setup.sql, the sample payment stream and `dbt build`; the app is
started as `glofox dashboard --port N` against it (so it connects with the read-only role),
and a real browser checks that:
  - the KPI values shown equal values queried from the marts with SQL written here;
  - changing a filter (in the page, and through a shared URL) changes them to the right values;
  - a drill-down shows the expected member rows, and the way back keeps the filters;
  - without built marts the app says to run `make run`;
  - a screenshot of each page is written to test-artifacts/dashboard/ (and copied to
    docs/screenshots/ when GLOFOX_UPDATE_SCREENSHOTS=1 or when one is missing there).

Browser: Debian's chromium (`apt-get install -y chromium chromium-driver`; `.ci/run` installs
it). Without it the tests skip locally and FAIL under CI.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlencode

import pytest

from glofox import payments_loader, settings
from glofox.dashboard import formatting, page_lead_conversions, quality_data
from harness import PROJECT_ROOT, ScratchDatabase, rule_codes

CHROMIUM = Path(os.environ.get("GLOFOX_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # containers often have a small /dev/shm
]
AS_OF = "2026-03-31"  # the as-of date the sample data is written for (setup.sql)
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "dashboard"
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
WAIT_MS = 60_000  # how long the browser waits for the app to show a value (not an assertion)


def require_browser() -> Any:
    """Playwright's sync API; else skip (locally) or fail (CI) saying what to install."""
    missing = []
    try:
        from playwright import sync_api
    except ImportError:
        sync_api = None
        missing.append("the playwright package (`make install`)")
    if not CHROMIUM.exists():
        missing.append(
            f"Debian's chromium at {CHROMIUM} "
            "(`apt-get update && apt-get install -y chromium chromium-driver`)"
        )
    if missing:
        message = "the dashboard browser tests need " + " and ".join(missing)
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(message)
        pytest.skip(message)
    return sync_api


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DashboardApp:
    """`glofox dashboard --port N` against one database, as a subprocess of the test."""

    def __init__(self, conn: settings.Connection, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env.update(conn.env())
        env["GLOFOX_PROJECT_DIR"] = str(PROJECT_ROOT)
        self.log = log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "glofox.cli", "dashboard", "--port", str(self.port)],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the dashboard exited early:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        self.stop()
        raise AssertionError(f"the dashboard did not come up:\n{self.log_path.read_text()}")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "", params: dict[str, Any] | None = None) -> str:
        query = f"?{urlencode(params, doseq=True)}" if params else ""
        return f"{self.base}/{path}{query}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sync_api() -> Any:
    return require_browser()


@pytest.fixture(scope="module")
def built(sync_api: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchDatabase]:
    db = ScratchDatabase("dashboard_e2e")
    db.load_sql_file(PROJECT_ROOT / "setup.sql")
    rejects = Path(tmp_path_factory.mktemp("payments")) / "rejects.jsonl"
    payments_loader.load_file(
        db.conn, payments_loader.sample_file(), rejects_path=rejects, progress=False
    )
    # seed + run: the models' own tests run in `make test`'s dbt build, not here.
    db.dbt("seed")
    db.dbt("run", vars={"as_of_date": AS_OF})
    yield db
    db.drop()


@pytest.fixture(scope="module")
def app(built: ScratchDatabase) -> Iterator[DashboardApp]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    running = DashboardApp(built.conn, ARTIFACTS / "app.log")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(sync_api: Any) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    yield opened
    context.close()


# --- page helpers -------------------------------------------------------------------------


def expect(sync_api: Any, locator: Any) -> Any:
    return sync_api.expect(locator)


def metric_value(page: Any, label: str) -> Any:
    tile = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator(
            '[data-testid="stMetricLabel"]', has_text=re.compile(f"^{re.escape(label)}$")
        )
    )
    return tile.locator('[data-testid="stMetricValue"]')


def wait_idle(page: Any) -> None:
    """Wait until Streamlit has finished the current run (its status widget is gone)."""
    page.wait_for_load_state("networkidle")
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=WAIT_MS)


def wait_url(page: Any, fragment: str, present: bool = True) -> None:
    """Wait until the page's URL holds (or no longer holds) `fragment`; Streamlit rewrites
    the query string in place, which is no navigation, so poll location.href."""
    page.wait_for_function(
        "([fragment, present]) => location.href.includes(fragment) === present",
        arg=[fragment, present],
        timeout=WAIT_MS,
    )


def open_page(page: Any, url: str) -> None:
    page.goto(url)
    page.locator('[data-testid="stApp"]').wait_for(timeout=WAIT_MS)
    page.locator("h1").first.wait_for(timeout=WAIT_MS)
    wait_idle(page)


def screenshot(page: Any, name: str) -> None:
    wait_idle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # Streamlit scrolls inside its own container, so a full-page shot needs a tall viewport.
    size = page.viewport_size
    page.set_viewport_size({"width": 1400, "height": 2600})
    wait_idle(page)
    page.wait_for_timeout(1500)  # let charts re-draw at the new size (not an assertion)
    page.locator("h1").first.scroll_into_view_if_needed()  # shoot from the top of the page
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    target = SCREENSHOTS / path.name
    if os.environ.get("GLOFOX_UPDATE_SCREENSHOTS") == "1" or not target.exists():
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def pick_option(page: Any, label: str, option: str) -> None:
    """Choose an option of a selectbox / multiselect the way a person does: click, type, Enter."""
    widget = page.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text(label, exact=True)
    )
    widget.locator("input").click()
    widget.locator("input").fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    if widget.get_attribute("data-testid") == "stMultiSelect":
        page.keyboard.press("Escape")  # a multiselect stays open; a selectbox closes itself


# --- expected values, queried from the marts with SQL written here ------------------------


def lead_counts(
    db: ScratchDatabase,
    event_filter: str,
    country: str | None = None,
    cohort: str | None = None,
    window_days: int | None = None,
    policy: str | None = None,
) -> tuple[int, int]:
    """(leads, clients) as the README defines them (L13), from fct_lead_conversions."""
    rows = db.query(
        """
        select
            count(*),
            count(*) filter (
                where conv.user_id is not null
                and (cast(%(days)s as integer) is null
                    or conv.client_conversion_event_local_created_at
                    < lead.local_user_created_at + cast(%(days)s as integer) * interval '1 day')
            )
        from marts.fct_lead_conversions as lead
        left join marts.dim_branches as branch on lead.branch_id = branch.branch_id
        left join marts.fct_lead_conversions as conv
            on lead.user_id = conv.user_id
            and conv.client_conversion_event_filter = %(filter)s
            and conv.lead_status = 'CLIENT'
        where lead.client_conversion_event_filter = 'ALL'
            and (cast(%(country)s as text) is null or lower(branch.country) = lower(%(country)s))
            and (cast(%(cohort)s as text) is null
                or to_char(lead.local_user_created_at, 'YYYY-MM') = %(cohort)s)
            and (cast(%(policy)s as text) is null or branch.conversion_policy = %(policy)s)
        """,
        {
            "filter": event_filter,
            "country": country,
            "cohort": cohort,
            "days": window_days,
            "policy": policy,
        },
    )
    return int(rows[0][0]), int(rows[0][1])


def expect_lead_kpis(sync_api: Any, page: Any, leads: int, clients: int) -> None:
    expect(sync_api, metric_value(page, "Leads")).to_have_text(
        formatting.count(leads), timeout=WAIT_MS
    )
    expect(sync_api, metric_value(page, "Clients")).to_have_text(
        formatting.count(clients), timeout=WAIT_MS
    )
    expect(sync_api, metric_value(page, "Lead conversion rate")).to_have_text(
        formatting.rate(clients, leads), timeout=WAIT_MS
    )


# --- lead conversions ---------------------------------------------------------------------


def test_lead_kpis_equal_the_marts_L13(sync_api, app, built, page) -> None:
    open_page(page, app.url())
    leads, clients = lead_counts(built, "ALL")
    assert leads > clients > 0
    expect_lead_kpis(sync_api, page, leads, clients)


def test_lead_event_filter_changes_the_kpis_and_the_url_L13(sync_api, app, built, page) -> None:
    open_page(page, app.url())
    for event_filter in ("MEMBERSHIP", "USER_CREDIT", "ALL"):
        label = page_lead_conversions.EVENT_LABELS[event_filter]
        page.get_by_text(label, exact=True).click()
        if event_filter != "ALL":
            wait_url(page, "event=" + quote_plus(label))
        wait_idle(page)
        expect_lead_kpis(sync_api, page, *lead_counts(built, event_filter))
    assert lead_counts(built, "MEMBERSHIP") != lead_counts(built, "USER_CREDIT")


def test_lead_readme_question_poland_march_membership_30_days(sync_api, app, built, page) -> None:
    """README: the 30-day lead conversion rate of membership-only gyms in Poland for March
    signups takes four choices on the lead page, from its default view; the gym policy's
    warning names the mismatch with the event filter; Back returns to each earlier view."""
    open_page(page, app.url())
    everyone = lead_counts(built, "ALL")
    expect_lead_kpis(sync_api, page, *everyone)
    steps = [
        ("Country", "Poland", "country=Poland"),
        ("Gym conversion policy", "Membership-only gyms", "policy=Membership-only+gyms"),
        ("Signup month", "2026-03", "cohort=2026-03"),
        ("Converted within", "30 days", "window=30+days"),
    ]
    for label, option, fragment in steps:
        pick_option(page, label, option)
        wait_url(page, fragment)
        wait_idle(page)
    leads, clients = lead_counts(built, "ALL", "Poland", "2026-03", 30, "MEMBERSHIP")
    # Membership-only gyms count memberships only: under either definition the same here.
    assert (leads, clients) == lead_counts(
        built, "MEMBERSHIP", "Poland", "2026-03", 30, "MEMBERSHIP"
    )
    assert everyone[0] > leads > clients > 0
    expect_lead_kpis(sync_api, page, leads, clients)
    expect(sync_api, page.get_by_text("The gyms picked count membership only")).to_be_visible()
    # When the data was built, in UTC, labelled as such.
    built_line = re.compile(r"^Data built at \d{4}-\d\d-\d\d \d\d:\d\d UTC")
    expect(sync_api, page.get_by_text(built_line)).to_be_visible()
    # The README quotes the answer for the sample data: it must stay true.
    readme = " ".join((PROJECT_ROOT / "README.md").read_text().split())
    answer = re.search(r"(\d+) / (\d+) = ([\d.]+%) on the sample data", readme)
    assert answer, "README: the dashboard section's worked answer is missing"
    assert answer.groups() == (str(clients), str(leads), formatting.rate(clients, leads))
    shared = page.url
    # The browser's Back button: the view before the window was chosen, then before the month.
    page.go_back()
    wait_url(page, "window=", present=False)
    wait_idle(page)
    expect_lead_kpis(
        sync_api, page, *lead_counts(built, "ALL", "Poland", "2026-03", policy="MEMBERSHIP")
    )
    page.go_back()
    wait_url(page, "cohort=", present=False)
    wait_idle(page)
    expect_lead_kpis(sync_api, page, *lead_counts(built, "ALL", "Poland", policy="MEMBERSHIP"))
    # The answer's view, opened from its URL in a new page, shows the same answer.
    open_page(page, shared)
    expect_lead_kpis(sync_api, page, leads, clients)
    screenshot(page, "lead_conversions")


def test_lead_rates_are_numbers_with_their_sample_size(sync_api, app, built, page) -> None:
    """The breakdown table's rate column holds numbers (the grid sorts them and its CSV
    download writes them as numbers, not "63.89%" text), beside the leads behind each rate
    and a small-group flag, under readable headers, biggest group first as in the chart."""
    open_page(page, app.url(params={"by": "Country"}))
    rows = visible_grid_rows(page, 0)
    grid = page.locator('[data-testid="stDataFrame"]').first
    headers = [h.strip() for h in grid.locator("table thead th").all_text_contents()]
    assert headers == ["Country", "Leads", "Clients", "Lead conversion rate", "Small group"]
    assert rows
    leads = [int(row[1]) for row in rows]
    assert leads == sorted(leads, reverse=True)
    for _country, count, clients, rate, small in rows:
        assert float(rate) == pytest.approx(int(clients) / int(count))  # a number, not text
        assert small == (
            "true" if int(count) < page_lead_conversions.lead_data.SMALL_GROUP else "false"
        )


def test_lead_breakdown_csv_download_gives_numbers(sync_api, app, built, page) -> None:
    """The grid's own "Download as CSV" writes the rates as numbers an analyst can sum or
    chart, with the leads and clients behind each, as the grid shows them."""
    import csv
    import io

    # Without the File System Access API the grid downloads through the browser, which
    # Playwright can catch (a save dialog it cannot).
    page.add_init_script("delete window.showSaveFilePicker")
    open_page(page, app.url(params={"by": "Country"}))
    shown = visible_grid_rows(page, 0)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.hover()
    button = grid.get_by_role("button", name="Download as CSV")
    with page.expect_download(timeout=WAIT_MS) as download:
        # The toolbar shows on hover, under the app's header: the click goes to the button.
        button.dispatch_event("click")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) >= len(shown) > 0
    assert [row["Country"] for row in rows[: len(shown)]] == [row[0] for row in shown]
    for row in rows:
        rate = float(row["Lead conversion rate"])  # a number, not "63.89%"
        assert rate == pytest.approx(int(row["Clients"]) / int(row["Leads"]))


def drill_rows(db: ScratchDatabase, event_filter: str, country: str) -> list[tuple[str, str]]:
    """(member id, status) of every lead of the country, in signup order, under the filter."""
    return db.query(
        """
        select lead.user_id, case when conv.user_id is null then 'LEAD' else 'CLIENT' end
        from marts.fct_lead_conversions as lead
        left join marts.dim_branches as branch on lead.branch_id = branch.branch_id
        left join marts.fct_lead_conversions as conv
            on lead.user_id = conv.user_id
            and conv.client_conversion_event_filter = %s
            and conv.lead_status = 'CLIENT'
        where lead.client_conversion_event_filter = 'ALL' and lower(branch.country) = lower(%s)
        order by lead.local_user_created_at nulls last, lead.user_id
        """,
        (event_filter, country),
    )


def visible_grid_rows(page: Any, testid_index: int) -> list[list[str]]:
    """The rows the data grid exposes to assistive technology (its visible rows)."""
    from playwright.sync_api import Error as PlaywrightError

    for _attempt in range(10):
        wait_idle(page)
        grid = page.locator('[data-testid="stDataFrame"]').nth(testid_index)
        try:
            grid.scroll_into_view_if_needed()
            rows = grid.locator("table tbody tr")
            # The grid draws on a canvas; its accessible table (hidden, in the DOM) holds the text.
            rows.first.locator("td").first.wait_for(state="attached", timeout=WAIT_MS)
            return [row.locator("td").all_text_contents() for row in rows.all()]
        except PlaywrightError:  # the grid was re-rendered under us: read it again
            page.wait_for_timeout(500)
    raise AssertionError("the data grid never settled")


def test_lead_drill_down_shows_the_members_and_the_way_back_keeps_filters(
    sync_api, app, built, page
) -> None:
    open_page(page, app.url(params={"event": "Membership only", "by": "Country"}))
    leads, clients = lead_counts(built, "MEMBERSHIP")
    expect_lead_kpis(sync_api, page, leads, clients)
    pick_option(page, "Members behind a country", "Poland")
    wait_url(page, "drill=Poland")
    wait_idle(page)
    expected = drill_rows(built, "MEMBERSHIP", "Poland")
    assert expected
    expect(sync_api, page.get_by_text("Members: Country = Poland")).to_be_visible(timeout=WAIT_MS)
    expect(sync_api, page.get_by_text(f"{formatting.count(len(expected))} members")).to_be_visible(
        timeout=WAIT_MS
    )
    shown = visible_grid_rows(page, 1)
    assert len(shown) >= 3
    assert [row[0] for row in shown] == [member for member, _ in expected[: len(shown)]]
    assert [row[4] for row in shown] == [status for _, status in expected[: len(shown)]]
    screenshot(page, "lead_conversions_drill_down")

    page.get_by_role("button", name="← Back to the overview").click()
    wait_url(page, "drill=", present=False)
    wait_idle(page)
    assert "event=Membership+only" in page.url and "by=Country" in page.url
    expect(sync_api, page.get_by_text("Members: Country = Poland")).to_have_count(0)
    expect_lead_kpis(sync_api, page, leads, clients)


def test_lead_clicking_a_table_row_drills_into_it(sync_api, app, built, page) -> None:
    """Clicking the first row of the breakdown drills into its country: the most leads."""
    open_page(page, app.url(params={"event": "Membership only", "by": "Country"}))
    expect_lead_kpis(sync_api, page, *lead_counts(built, "MEMBERSHIP"))
    top = built.query(
        """
        select lower(branch.country)
        from marts.fct_lead_conversions as lead
        join marts.dim_branches as branch on lead.branch_id = branch.branch_id
        where lead.client_conversion_event_filter = 'ALL'
        group by lower(branch.country)
        order by count(*) desc
        limit 2
        """
    )
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The first row's checkbox: below the header, rows of the app's fixed ROW_HEIGHT pixels.
    row_height = page_lead_conversions.ROW_HEIGHT
    page.mouse.click(box["x"] + 15, box["y"] + row_height * 1.5)
    wait_url(page, "drill=")
    wait_idle(page)
    drilled = re.search(r"drill=([^&]+)", page.url).group(1).replace("+", " ").lower()
    assert drilled == top[0][0] != top[1][0]
    expect(sync_api, page.get_by_text(re.compile("^Members: Country = "))).to_be_visible()


# --- without marts ------------------------------------------------------------------------


def test_without_marts_the_app_says_to_run_make_run(sync_api, browser) -> None:
    empty = ScratchDatabase("dashboard_empty")
    running = DashboardApp(empty.conn, ARTIFACTS / "app_empty.log")
    context = browser.new_context()
    try:
        page = context.new_page()
        open_page(page, running.url())
        expect(sync_api, page.get_by_text("Run make run", exact=False)).to_be_visible(
            timeout=WAIT_MS
        )
        expect(sync_api, page.get_by_text("marts.fct_lead_conversions")).to_be_visible()
    finally:
        context.close()
        running.stop()
        empty.drop()


# --- activity -----------------------------------------------------------------------------


def activity_expected(db: ScratchDatabase, country: str | None = None) -> dict[str, Any]:
    """The KPIs: from metrics_30d for all segments, else summed over the country's segments."""
    if country is None:
        statement = """
            select new_users, new_user_revenue, active_users, active_paying_users,
                converted_new_users, retention_cohort_users, retained_users
            from marts.metrics_30d where as_of_date = %(as_of)s
        """
    else:
        statement = """
            select sum(new_users), sum(new_user_revenue), sum(active_users),
                sum(active_paying_users), sum(converted_new_users),
                sum(retention_cohort_users), sum(retained_users)
            from marts.fct_activity_segments_30d
            where as_of_date = %(as_of)s and lower(country) = lower(%(country)s)
        """
    row = db.query(statement, {"as_of": AS_OF, "country": country})[0]
    names = ("new", "revenue", "active", "active_paying", "converted", "cohort", "retained")
    return dict(zip(names, row, strict=True))


def expect_activity_kpis(sync_api: Any, page: Any, values: dict[str, Any]) -> None:
    shown = {
        "New users": formatting.count(values["new"]),
        "New-user revenue": formatting.money(values["revenue"]),
        "Active users": formatting.count(values["active"]),
        "Active paying users": formatting.count(values["active_paying"]),
        "30-day total conversion rate": formatting.rate(values["converted"], values["new"]),
        "30-day retention rate": formatting.rate(values["retained"], values["cohort"]),
    }
    for label, text in shown.items():
        expect(sync_api, metric_value(page, label)).to_have_text(text, timeout=WAIT_MS)
    ratio = formatting.ratio_caption(values["converted"], values["new"])
    caption = f"paid or messaged / new users = {ratio}"
    expect(sync_api, page.get_by_text(caption, exact=True).first).to_be_visible()


def test_activity_kpis_equal_metrics_30d_A12(sync_api, app, built, page) -> None:
    open_page(page, app.url("activity"))
    values = activity_expected(built)
    assert values["new"] > values["converted"] > 0 and values["cohort"] > 0
    expect_activity_kpis(sync_api, page, values)
    screenshot(page, "activity")


def test_activity_country_filter_and_drill_down_A9(sync_api, app, built, page) -> None:
    open_page(page, app.url("activity"))
    pick_option(page, "Country", "Poland")
    wait_url(page, "country=Poland")
    wait_idle(page)
    values = activity_expected(built, "Poland")
    assert values != activity_expected(built)
    expect_activity_kpis(sync_api, page, values)

    pick_option(page, "Show the users behind", "converted new users")
    wait_url(page, "drill=converted")
    wait_idle(page)
    # The users listed are exactly as many as the KPI's numerator.
    caption = f"{formatting.count(values['converted'])} users: new users who paid or sent"
    expect(sync_api, page.get_by_text(caption)).to_be_visible(timeout=WAIT_MS)
    first = built.query(
        """
        select cast(new_users.id as text)
        from marts.dim_new_users_30d as new_users
        join marts.fct_lead_conversions as lead
            on cast(new_users.id as text) = lead.user_id
            and lead.client_conversion_event_filter = 'ALL'
        join marts.dim_branches as branch on lead.branch_id = branch.branch_id
        where new_users.as_of_date = %s and new_users.is_converted
            and lower(branch.country) = 'poland'
        order by new_users.created_at, new_users.id
        limit 3
        """,
        (AS_OF,),
    )
    shown = visible_grid_rows(page, 0)
    assert [row[0] for row in shown[:3]] == [user_id for (user_id,) in first]

    page.get_by_role("button", name="← Back to the overview").click()
    wait_url(page, "drill=", present=False)
    wait_idle(page)
    assert "country=Poland" in page.url
    expect_activity_kpis(sync_api, page, values)


def test_activity_names_its_rate_apart_and_points_to_the_lead_page(
    sync_api, app, built, page
) -> None:
    """No trap for the Poland question: with Country = Poland the Activity page's rate is
    named the 30-day total conversion rate, says what it counts, and links to the lead
    conversion rate, whose page links back."""
    open_page(page, app.url("activity", {"country": "Poland"}))
    expect_activity_kpis(sync_api, page, activity_expected(built, "Poland"))
    expect(sync_api, metric_value(page, "Conversion rate")).to_have_count(0)
    expect(sync_api, page.get_by_text("paid or sent a message in those 30 days")).to_be_visible()
    as_of_line = re.compile(f"^Data as of {AS_OF} \\(the 30 days ending that day, UTC\\); built at")
    expect(sync_api, page.get_by_text(as_of_line)).to_be_visible()
    page.get_by_role("link", name=re.compile("Lead conversions: the lead conversion rate")).click()
    wait_url(page, "/activity", present=False)
    page.locator("h1", has_text="Lead conversions").wait_for(timeout=WAIT_MS)
    wait_idle(page)
    expect(sync_api, metric_value(page, "Lead conversion rate")).to_be_visible()
    link = page.get_by_role("link", name=re.compile("Activity: the 30-day total conversion rate"))
    expect(sync_api, link).to_be_visible()


def test_no_page_shows_a_rule_code(sync_api, app, built, page) -> None:
    """Rule ids (L8, A4, E5, D2) are for the models, tests and docs: every page says its
    rules in words, and so do the reasons the Data quality page lists from the audit models
    (its table is drawn on a canvas, so they are read where the page reads them)."""
    for path in ("", "activity", "experiments", "data-quality"):
        open_page(page, app.url(path))
        page.locator('[data-testid="stMetric"]').first.wait_for(timeout=WAIT_MS)
        wait_idle(page)
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert len(text.split()) > 50, (path, text)
        assert rule_codes(text) == [], (path, text)
    shown = [
        reason
        for source in quality_data.SOURCES
        for (reason,) in built.query(f"select distinct reason from {source.counts_relation}")
    ]
    assert len(shown) > 10
    assert rule_codes("\n".join([*shown, *quality_data.RULE_WORDS.values()])) == [], shown


# --- experiments --------------------------------------------------------------------------


def test_experiments_page_renders_the_report_srm_first_E5_E9(sync_api, app, built, page) -> None:
    import datetime as dt
    import json

    from glofox import experiment_report

    report = json.loads(
        experiment_report.run(
            experiment_report.SAMPLE_EXPERIMENT, dt.date.fromisoformat(AS_OF), "json", built.conn
        )
    )
    open_page(page, app.url("experiments"))
    first_alert = page.locator('[data-testid="stAlert"]').first
    srm_text = "Sample ratio mismatch" if report["srm_flag"] else "Sample ratio check passed"
    expect(sync_api, first_alert).to_contain_text(srm_text, timeout=WAIT_MS)
    expect(sync_api, page.get_by_text(report["verdict"]).first).to_be_visible()
    for metric in report["metrics"]:
        label = {"converted_30d": "30-day total conversion", "retained_30d": "30-day retention"}[
            metric["metric"]
        ]
        for arm in ("control", "treatment"):
            expected = formatting.rate(metric[arm]["successes"], metric[arm]["n"])
            expect(sync_api, metric_value(page, f"{label}: {arm}")).to_have_text(expected)
    screenshot(page, "experiments")


# --- data quality -------------------------------------------------------------------------

SET_ASIDE = (
    "audit.audit_glofox__rows_set_aside",
    "audit.audit_app__documents_set_aside",
    "audit.audit_experiments__assignments_set_aside",
)
FLAGGED = ("audit.dq_glofox__flagged_values", "audit.audit_app__unknown_senders")


def audit_count(db: ScratchDatabase, relations: tuple[str, ...], rule: str | None = None) -> int:
    total = 0
    for relation in relations:
        schema, name = relation.split(".")
        # Rows set aside carry set_aside_rule_id, values flagged but kept rule_id.
        rule_column = "set_aside_rule_id" if relation in SET_ASIDE else "rule_id"
        total += db.query(
            f'select count(*) from "{schema}"."{name}" '  # fixed names from this module
            f"where cast(%s as text) is null or {rule_column} = %s",
            (rule, rule),
        )[0][0]
    return total


def test_data_quality_counts_equal_the_audit_models_L5_A2(sync_api, app, built, page) -> None:
    open_page(page, app.url("data-quality"))
    set_aside, flagged = audit_count(built, SET_ASIDE), audit_count(built, FLAGGED)
    assert set_aside > 0 and flagged > 0
    expect(sync_api, metric_value(page, "Rows set aside")).to_have_text(
        formatting.count(set_aside), timeout=WAIT_MS
    )
    expect(sync_api, metric_value(page, "Rows flagged, kept")).to_have_text(
        formatting.count(flagged)
    )
    screenshot(page, "data_quality")
    # The rule filter is in words (the URL holds them too).
    open_page(page, app.url("data-quality", {"rule": quality_data.RULE_WORDS["L3"]}))
    expect(sync_api, metric_value(page, "Rows set aside")).to_have_text(
        formatting.count(audit_count(built, SET_ASIDE, "L3")), timeout=WAIT_MS
    )
    assert audit_count(built, SET_ASIDE, "L3") < set_aside


# --- lineage ------------------------------------------------------------------------------


def test_exposures_declare_every_relation_the_pages_read() -> None:
    """models/exposures.yml names each page's marts, so the docs lineage is the app's truth."""
    import yaml

    from glofox.dashboard import (
        activity_data,
        experiment_data,
        lead_data,
        quality_data,
    )

    exposures = yaml.safe_load((PROJECT_ROOT / "models" / "exposures.yml").read_text())
    declared = {
        exposure["name"]: {
            ref.split("'")[1] for ref in exposure["depends_on"] if ref.startswith("ref(")
        }
        for exposure in exposures["exposures"]
    }
    read = {
        "dashboard_lead_conversions": lead_data.RELATIONS,
        "dashboard_activity": activity_data.RELATIONS,
        "dashboard_experiments": experiment_data.RELATIONS,
        "dashboard_data_quality": tuple(s.counts_relation for s in quality_data.SOURCES),
    }
    for name, relations in read.items():
        assert declared[name] == {relation.split(".")[1] for relation in relations}, name
