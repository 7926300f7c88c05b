"""The static site: its pages and links on disk, what is rebuilt when, and the pages in a real
browser (headless Chromium from the system's packages, driven by Playwright): every image loads,
no console error, no failed request, dark mode switches the images, no serious accessibility
violation (axe-core), and screenshots to look at in reports/site/_screenshots/."""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT
from publishing import MONTH, links

from analysis import taxonomy
from analysis.bundles import environment
from analysis.config import LANGUAGES, Paths
from analysis.i18n import month_label
from analysis.manifest import file_hashes, read_manifest
from analysis.site import TABLE_ROWS, run_site, site_files, site_folder, site_step, site_table
from analysis.text import nonbreaking

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Paths(ROOT).reports / "site" / "_screenshots"
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.xdist_group("published")  # one worker builds `published` for these tests


@pytest.fixture
def project(published, tmp_path) -> Paths:
    shutil.copytree(published.root, tmp_path / "project")
    return Paths(tmp_path / "project")


def _pages(paths: Paths) -> list[Path]:
    return [p for p in site_files(paths) if p.suffix == ".html" and "figures" not in p.parts]


def test_the_site_has_an_index_and_per_language_the_months_quality_and_month_pages(published):
    site = site_folder(published)
    assert sorted(str(p.relative_to(site)) for p in _pages(published)) == sorted(
        ["index.html"] + [f"{lang}/{page}" for lang in LANGUAGES for page in ("index.html", "quality.html",
                                                                              f"{MONTH}.html")])
    for lang in LANGUAGES:
        page = (site / lang / f"{MONTH}.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}">' in page
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
        assert page.count('<section class="figure"') == 2
        assert page.count("<table>") == 2 and page.count('<pre class="embed"') == 2
    # the data-quality report in the page's language, from the cleaning's data_quality.json
    headings = {"en": ("<h1>Data quality</h1>", "<th>rows_read</th>"),
                "ru": ("<h1>Качество данных</h1>", "<th>Прочитано строк</th>"),
                "kk": ("<h1>Деректер сапасы</h1>", "<th>Оқылған жолдар</th>")}
    for lang, (title, column) in headings.items():
        page = (site / lang / "quality.html").read_text(encoding="utf-8")
        assert title in page and column in page and "<td>data/raw/incidents/2024-11.csv</td>" in page
    # the entry page: its sections in the order of the language switch, its language and heading the first's
    entry = (site / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<section lang="(\w+)"', entry) == ["kk", "ru", "en"]
    assert '<html lang="kk">' in entry and "<h1>Қазақстандағы сөз бостандығы: айлық деректер</h1>" in entry


def test_every_link_of_every_page_is_relative_and_leads_to_a_file_of_the_site(published):
    site = site_folder(published)
    for page in [*_pages(published), *site.glob(f"figures/{MONTH}/*.embed.html")]:
        for link in links(page.read_text(encoding="utf-8")):
            if link.startswith(("https://", "#", "data:")):
                continue
            assert not link.startswith("/") and "://" not in link, (page, link)
            assert (page.parent / link).resolve().is_file(), (page, link)


def test_the_month_page_shows_the_summary_the_alt_text_the_data_and_the_embed_code_escaped(published):
    page = (site_folder(published) / "ru" / f"{MONTH}.html").read_text(encoding="utf-8")
    summary = (published.reports / MONTH / "summary.ru.md").read_text(encoding="utf-8")
    assert f"<h1>{nonbreaking(summary.splitlines()[0].removeprefix('# '))}</h1>" in page  # "ноябрь\u00a02024"
    kazakh = (site_folder(published) / "kk" / f"{MONTH}.html").read_text(encoding="utf-8")
    assert "<h1>Қазақстандағы сөз бостандығының бұзылуы, 2024\u00a0ж.\u00a0қараша</h1>" in kazakh
    text = re.sub(r"<pre\b.*?</pre>|<[^>]*>", " ", kazakh, flags=re.DOTALL)  # what a reader sees, as text
    assert not re.search(r"\d{4} ж\. ", text)  # nowhere does a line break a year from its month
    assert "<title>Ноябрь\u00a02024 · " in page  # a title opens with a capital, as a heading does
    assert 'alt="Столбчатая диаграмма. Ноябрь 2024: сообщения по категориям.' in page
    # the data in the page's language: headings and categories in words, counts as whole numbers
    assert "<th scope=\"col\">Категория</th>" in page and "refusal_of_information" not in page
    assert f"<td>{taxonomy.category_label('refusal_of_information', 'ru')}</td><td class=\"num\">7</td>" in page
    # the embed snippet is shown as text to copy, never as markup
    assert "&lt;picture&gt;" in page and "&lt;source media=&#34;(prefers-color-scheme: dark)&#34;" in page
    assert re.search(r'<a href="\.\./figures/2024-11/month_categories\.ru\.zip" download>ZIP</a>', page)
    # each chart opens at full size, which a phone can zoom into
    for name in ("month_categories", "groups_stacked"):
        assert re.search(rf'<a href="\.\./figures/2024-11/{name}\.ru\.png" title="Открыть изображение в полном '
                         rf'размере">\s*<picture>', page), name


def test_markup_in_the_data_or_the_summary_is_shown_as_text(project):
    (project.reports / MONTH / "summary.en.md").write_text("# November\n\n<script>alert(1)</script> & <b>x</b>\n",
                                                         encoding="utf-8")
    meta_path = project.reports / "figures" / MONTH / "month_categories.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["caption"]["en"] = '<img src=x onerror="alert(2)">'
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    run_site(project)
    page = (site_folder(project) / "en" / f"{MONTH}.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<b>x</b>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;" in page
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page


def test_the_report_remakes_only_the_month_whose_page_is_gone_or_whose_summary_changed(project):
    shutil.copytree(project.reports / "figures" / MONTH, project.reports / "figures" / "2024-10")
    shutil.copytree(project.reports / MONTH, project.reports / "2024-10")
    manifest = read_manifest(project)
    summaries = [project.reports / month / f"summary.{lang}.md" for month in ("2024-10", MONTH) for lang in LANGUAGES]
    manifest["runs"] = {"monthly_review": {"outputs": file_hashes(project, summaries)}}
    assert site_step(project, manifest) == {"site": "its inputs changed"}
    assert site_step(project, manifest) == {}
    site = site_folder(project)

    def inodes() -> dict[str, tuple[int, int]]:
        """Each page's file: its inode and time of writing (a deleted page's inode may be reused)."""
        return {f"{lang}/{month}": (stat.st_ino, stat.st_mtime_ns) for lang in LANGUAGES
                for month in ("2024-10", MONTH) for stat in [(site / lang / f"{month}.html").stat()]}

    before = inodes()
    (site / "ru" / f"{MONTH}.html").unlink()
    assert site_step(project, manifest) == {"site": f"reports/site/ru/{MONTH}.html missing or changed"}
    after = inodes()
    assert {page for page in before if before[page] == after[page]} == {f"{lang}/2024-10" for lang in LANGUAGES}
    assert site_step(project, manifest) == {}

    (project.reports / "2024-10" / "summary.ru.md").write_text("# Другой текст\n", encoding="utf-8")
    manifest["runs"]["monthly_review"]["outputs"] = file_hashes(project, summaries)
    assert site_step(project, manifest) == {"site": "its inputs changed"}
    assert "<h1>Другой текст</h1>" in (site / "ru" / "2024-10.html").read_text(encoding="utf-8")
    again = inodes()
    assert {page for page in after if after[page] == again[page]} == {f"{lang}/{MONTH}" for lang in LANGUAGES}


def test_a_month_whose_reports_are_gone_leaves_the_site(project):
    shutil.rmtree(project.reports / "figures" / MONTH)
    shutil.rmtree(project.reports / MONTH)
    run_site(project)
    site = site_folder(project)
    assert not (site / "figures" / MONTH).exists() and not (site / "kk" / f"{MONTH}.html").exists()
    assert MONTH not in (site / "kk" / "index.html").read_text(encoding="utf-8")


# --- in the browser -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"the browser test needs Chromium at {CHROMIUM}: apt-get install -y chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the browser test needs playwright (make install)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def served(published):
    """The site folder served over HTTP on localhost, as a web host would serve it."""
    handler = functools.partial(QuietHandler, directory=str(site_folder(published)))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 - the name http.server gives it
        pass


DESKTOP = {"width": 1280, "height": 720}  # a new context's viewport


@pytest.fixture(scope="module")
def tab(browser):
    """One tab for the module's visits, with the browser's cache off: each visit fetches every file
    of its page from the server again. (A context of its own per visit cost three times the CPU.)"""
    context = browser.new_context()
    page = context.new_page()
    context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
    yield page
    context.close()


class Visit:
    """A page opened in the module's tab, seen at `viewport` in `color_scheme`, with every console
    error and failed request it caused. The site has no script and stores nothing: a page opened
    after another is the page a fresh browser opens."""

    def __init__(self, tab, url: str, viewport: dict | None = None, color_scheme: str = "light") -> None:
        self.page = tab
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.listeners = {"console": lambda m: self.errors.append(m.text) if m.type == "error" else None,
                          "pageerror": lambda e: self.errors.append(str(e)),
                          "requestfailed": lambda r: self.failed.append(r.url),
                          "response": lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None}
        tab.goto("about:blank")  # the page before would fetch its images for the new viewport, then be left
        for event, listener in self.listeners.items():
            tab.on(event, listener)
        tab.set_viewport_size(viewport or DESKTOP)
        tab.emulate_media(color_scheme=color_scheme)
        tab.goto(url, wait_until="load")
        tab.evaluate("Promise.all([...document.images].map(i => i.decode()))")  # painted, not only loaded

    def images(self) -> list[dict]:
        return self.page.eval_on_selector_all(
            "img", "imgs => imgs.map(i => ({src: i.currentSrc, width: i.naturalWidth, complete: i.complete}))")

    def open_details(self) -> None:
        self.page.eval_on_selector_all("details", "ds => ds.forEach(d => d.open = true)")

    def close(self) -> None:
        for event, listener in self.listeners.items():
            self.page.remove_listener(event, listener)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_index_and_the_month_load_whole_in_each_language(tab, served, lang):
    for path in (f"{lang}/index.html", f"{lang}/{MONTH}.html", f"{lang}/quality.html", "index.html"):
        visit = Visit(tab, f"{served}/{path}")
        try:
            images = visit.images()
            assert visit.page.evaluate("document.documentElement.lang") == (lang if "/" in path else "kk")
            assert all(i["complete"] and i["width"] > 0 for i in images), images
            assert len(images) == (2 if path.endswith(f"{MONTH}.html") else 0)
            assert visit.errors == [] and visit.failed == [], (visit.errors, visit.failed)
        finally:
            visit.close()


def test_dark_mode_switches_the_images_to_the_dark_design(tab, served):
    seen = {}
    for scheme in ("light", "dark"):
        visit = Visit(tab, f"{served}/kk/{MONTH}.html", color_scheme=scheme)
        try:
            seen[scheme] = ([Path(i["src"]).name for i in visit.images()],
                            visit.page.evaluate("getComputedStyle(document.body).backgroundColor"))
        finally:
            visit.close()
    assert seen == {"light": (["month_categories.kk.png", "groups_stacked.kk.png"], "rgb(255, 255, 255)"),
                    "dark": (["month_categories.dark.kk.png", "groups_stacked.dark.kk.png"], "rgb(20, 20, 20)")}


def test_a_phone_gets_the_square_figure_in_its_design_and_the_page_fits_the_screen(tab, served):
    visit = Visit(tab, f"{served}/ru/{MONTH}.html", viewport={"width": 600, "height": 844}, color_scheme="dark")
    try:  # wider than a phone: the default layout, at the width that fits
        assert {Path(i["src"]).name.split(".", 1)[1] for i in visit.images()} == {"newsletter.dark.ru.png"}
    finally:
        visit.close()
    visit = Visit(tab, f"{served}/ru/{MONTH}.html", viewport=PHONE, color_scheme="dark")
    try:  # wider than tall, the square layout shows the text larger; without it, the newsletter width
        assert [Path(i["src"]).name for i in visit.images()] == ["month_categories.square.dark.ru.png",
                                                                 "groups_stacked.newsletter.dark.ru.png"]
        assert visit.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        visit.page.click("section.figure figure a")  # a tap opens the chart at full size, to zoom into
        assert visit.page.url.endswith(f"/figures/{MONTH}/month_categories.ru.png")
        assert visit.page.evaluate("document.images[0].naturalWidth") > 3 * PHONE["width"]
        assert visit.failed == []
    finally:
        visit.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_month_page_has_no_serious_accessibility_violation(tab, served, scheme):
    from axe_playwright_python.sync_playwright import Axe

    visit = Visit(tab, f"{served}/kk/{MONTH}.html", color_scheme=scheme)
    try:
        visit.open_details()  # the tables, downloads and embed code are checked too
        results = Axe().run(visit.page)
        serious = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert serious == []
    finally:
        visit.close()


def test_screenshots_to_look_at(tab, served):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = [("index.kk.png", "kk/index.html", {"viewport": {"width": 1280, "height": 800}}),
             ("month.dark.phone.kk.png", f"kk/{MONTH}.html", {"viewport": PHONE, "color_scheme": "dark"}),
             ("month.ru.desktop.png", f"ru/{MONTH}.html", {"viewport": {"width": 1280, "height": 900}})]
    for name, path, context in shots:
        visit = Visit(tab, f"{served}/{path}", **context)
        try:
            visit.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
        finally:
            visit.close()
        assert (SCREENSHOTS / name).stat().st_size > 10_000


def test_a_long_table_by_month_shows_its_latest_months(tmp_path):
    months = [str(m) for m in pd.period_range("2009-01", periods=TABLE_ROWS + 40, freq="M")]
    csv = tmp_path / "cases_active.csv"
    pd.DataFrame({"month": months, "active": range(len(months)), "new": 0, "ended": 0}).to_csv(csv, index=False)
    table = site_table(csv, "cases_active", "ru")
    assert table.latest and table.total == TABLE_ROWS + 40 and len(table.rows) == TABLE_ROWS
    assert table.rows[-1][:2] == [month_label(months[-1], "ru"), str(TABLE_ROWS + 39)]
    pd.DataFrame({"category": ["threat"] * (TABLE_ROWS + 1), "count": 1}).to_csv(csv, index=False)
    table = site_table(csv, "month_categories", "ru")  # not by month: its first rows
    assert not table.latest and len(table.rows) == TABLE_ROWS
    said = environment().from_string('{{ t("site_rows_shown_last", "ru", shown=100, total=n, '
                                     'rows=plural("rows_of", n, "ru")) }}')
    assert [said.render(n=n) for n in (191, 140, 105)] == [  # after «из», the genitive: 191 строки, 140 строк
        "Последние 100 из 191 строки; в CSV — все.", "Последние 100 из 140 строк; в CSV — все.",
        "Последние 100 из 105 строк; в CSV — все."]
