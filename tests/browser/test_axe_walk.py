"""Every demo role's pages in Chromium: 0 WCAG 2.1 AA violations by axe-core (colour contrast
included) and nothing wider than a 375 px phone.

Each role signs in, visits every page of its menu and every page linked from there, up to two
clicks deep (same-origin GET links). Pages that differ only in an id (case 12, case 13) are one
page; links per page and pages per role are bounded so that the walk stays a few minutes.
axe-core is vendored in tests/browser/vendor/axe-core (npm axe-core, MPL-2.0): no network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from kansrijk.access.roles import Role
from kansrijk.core.models import Membership, Professional
from kansrijk.demo.people import DEMO_PASSWORD
from kansrijk.demo.westwijk import seed_westwijk
from tests.auth import sign_in_browser
from tests.halves import sqlite_half_only

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), sqlite_half_only]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
#: Roles whose pages must fit a phone (DESIGN §1: they work on the go).
ON_THE_GO = {Role.TEACHER, Role.FAMILY_SPECIALIST, Role.SCHOOL_NURSE, Role.CHILDCARE_WORKER}
MAX_PAGES_PER_ROLE = 24
MAX_NEW_LINKS_PER_PAGE = 8
DEPTH = 2
#: Links the walk does not follow: leaving, switching language, files and the admin's own pages
#: (Django's admin is checked by its own tests).
SKIP = re.compile(r"^/(logout|i18n|static|media)/|\.(pdf|csv|xlsx|ics|json)$|[?&](form|format)=")

#: The contrast of the nodes axe leaves undecided (text over a background image such as the
#: admin's icons, SVG chart labels): the text's colour (an SVG text's fill) against the first
#: opaque background colour behind it, WCAG's formula; returns the nodes below 4.5:1 (3:1 when
#: large). A colour the browser does not give as rgb() counts as a failure to look at.
CONTRAST = """targets => {
  const rgb = c => { const m = c.match(/^rgba?\\(([^)]+)\\)$/);
    if (!m) return null; const v = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1}; };
  const lum = c => { const f = x => { x /= 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const low = [];
  for (const target of targets) {
    const el = document.querySelector(target);
    if (!el) continue;
    const style = getComputedStyle(el);
    const fg = rgb(el instanceof SVGElement ? style.fill : style.color);
    let bg = {r: 255, g: 255, b: 255, a: 1};
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const b = rgb(getComputedStyle(n).backgroundColor);
      if (b === null) { bg = null; break; }
      if (b.a > 0) { bg = b; break; }
    }
    if (!fg || !bg) { low.push(`${target}: colour not rgb()`); continue; }
    const [l1, l2] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) low.push(`${target}: ${ratio.toFixed(2)}:1`);
  }
  return low;
}"""


def shape(path: str) -> str:
    """The page a URL is an instance of: ids and dates replaced, the query's values dropped."""
    parts = urlsplit(path)
    base = re.sub(r"/\d[\d-]*(?=/|$)", "/#", parts.path)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return base + ("?" + "&".join(keys) if keys else "")


@dataclass
class Walk:
    role: Role
    seen: set[str] = field(default_factory=set)
    visited: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def one_per_role() -> dict[Role, Professional]:
    """The first demo login of every role (other apps' demos add people with other passwords)."""
    people: dict[Role, Professional] = {}
    for membership in Membership.objects.select_related("professional").order_by("pk"):
        role = Role(membership.role)
        if role not in people and membership.professional.check_password(DEMO_PASSWORD):
            people[role] = membership.professional
    return people


def check(page: Page, walk: Walk) -> None:
    """axe (loaded with each page, see the test) on the page as it is; then the same page at
    375 px for the roles on the go."""
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations', 'incomplete']})",
        WCAG_21_AA,
    )
    where = page.url.removeprefix(urlsplit(page.url)._replace(path="", query="").geturl())
    for violation in result["violations"]:
        nodes = "; ".join(n["target"][0] for n in violation["nodes"][:3])
        walk.failures.append(f"{walk.role} {where}: {violation['id']} ({nodes})")
    for incomplete in result["incomplete"]:
        if incomplete["id"] == "color-contrast":
            targets = [n["target"][-1] for n in incomplete["nodes"]]
            for low in page.evaluate(CONTRAST, targets):
                walk.failures.append(f"{walk.role} {where}: contrast {low}")
    if walk.role in ON_THE_GO:
        page.set_viewport_size(PHONE)
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > PHONE["width"]:
            walk.failures.append(f"{walk.role} {where}: {wide} px wide at 375 px")
        page.set_viewport_size(DESKTOP)


def links(page: Page, origin: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href]:not([download])", "as => as.map(a => a.href)"
    )
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIP.search(path):
            paths.append(path)
    return paths


def walk_role(page: Page, origin: str, walk: Walk) -> None:
    """Breadth first from the menu: the menu's pages, then up to DEPTH clicks from them."""
    menu = page.eval_on_selector_all(".site-nav a[href]", "as => as.map(a => a.pathname)")
    frontier = ["/", *menu]
    for depth in range(DEPTH + 1):
        following: list[str] = []
        for path in frontier:
            if shape(path) in walk.seen or len(walk.visited) >= MAX_PAGES_PER_ROLE:
                continue
            walk.seen.add(shape(path))
            try:
                response = page.goto(path)
            except PlaywrightError:  # a download, not a page
                continue
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            if response.status >= 500:
                walk.failures.append(f"{walk.role} {path}: {response.status}")
                continue
            walk.visited.append(path)
            check(page, walk)
            if depth < DEPTH:
                new = [p for p in links(page, origin) if shape(p) not in walk.seen]
                following += list(dict.fromkeys(new))[:MAX_NEW_LINKS_PER_PAGE]
        frontier = following


#: The roles are walked in this many parts, each a test of its own, so that the parts run on
#: as many workers side by side (the whole walk was one test of five minutes at the end of
#: the run); each part loads the demo.
PARTS = 3


@pytest.mark.parametrize("part", range(PARTS))
def test_every_roles_pages_pass_axe_and_fit_a_phone(
    browser: Any, live_server: Any, part: int
) -> None:
    seed_westwijk(today=timezone.localdate())
    failures: list[str] = []
    visited = 0
    people = sorted(one_per_role().items())
    assert len(people) > 2 * PARTS
    for role, person in people[part::PARTS]:
        context = browser.new_context(locale="nl-NL", base_url=live_server.url, viewport=DESKTOP)
        # axe-core loaded into every page as it opens, through the DevTools protocol (the
        # page's CSP stays as it is): sending its 500 kB with each check took 0.15 s a page.
        context.add_init_script(script=AXE)
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in_browser(page, person, password=DEMO_PASSWORD)
        walk = Walk(role)
        walk_role(page, live_server.url, walk)
        context.close()
        assert walk.visited, f"{role}: no page visited"
        visited += len(walk.visited)
        failures += walk.failures
    assert visited > 50 // PARTS
    assert failures == []
