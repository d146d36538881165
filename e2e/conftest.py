"""Fixtures for the browser tests.

The app is served by pytest-django's `live_server` from the test database, which each test fills
with a small demo city; Playwright's sync API drives Debian's Chromium (never `playwright
install`). Every test keeps a screenshot per step under test-output/screenshots/.

Every page any test opens is checked under the Content-Security-Policy (CspWatch: anything the
policy blocks — an inline script, handler or style, a foreign source — fails the test with the
page's URL and what was blocked) and for its layout (LayoutWatch): a page wider than the phone or
the desk window, or content wider than its box (clipped, or over its border), at each load, after
each change of the page, at each screenshot and when the test ends; the test fails with the
page's URL and the elements that stick out.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API keeps an asyncio event loop running in the test's thread, so Django would
# refuse the ORM calls the test and its fixtures make ("You cannot call this from an async
# context"). This is Django's documented switch for exactly that case; the test code itself is
# synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO_ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO_ROOT / "test-output" / "screenshots"
ZH_CATALOGUE = REPO_ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"

PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}
DEMO_SCALE = 0.05  # one household per building, about 800 residents: built in about a second
DEMO_SEED = 2020
TIMEOUT_MS = 10_000


def _has_cjk_font() -> bool:
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(listed.strip())


@pytest.fixture(scope="module")
def chromium_executable() -> Path:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing = f"{CHROMIUM} is missing"
    elif not _has_cjk_font():
        missing = "no Chinese font is installed (Chinese would render as empty boxes)"
    else:
        return CHROMIUM
    message = (
        f"{missing}: the browser tests need Debian's Chromium and a CJK font "
        "(apt-get install -y chromium fonts-wqy-microhei)."
    )
    if os.environ.get("CI"):
        pytest.fail(message + " CI must install them (see .ci/run).", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser(chromium_executable: Path) -> Iterator[Any]:
    """One Chromium for the module; each test gets fresh contexts (cookies) from `new_page`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(chromium_executable), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def demo_city(transactional_db: None) -> Any:
    """A small demo city with every demo account, inside the test database."""
    from demo.city import build_demo_city

    return build_demo_city(scale=DEMO_SCALE, seed=DEMO_SEED)


# The layout check, in the page. Overflow: is the document wider than the window? If so, which
# elements stick out past the right edge (the innermost ones, widest first; an element inside a
# box that scrolls or clips sideways is that box's business, not the page's). Spill: boxes whose
# content is wider than they are, so that it is clipped or runs over their border (a headline
# number cut off, a checkbox over its chip's edge); boxes that scroll sideways on purpose,
# visually hidden ones (1 px) and form fields (their text scrolls inside) are not spills, nor is
# anything on Django's own admin pages or Swagger UI's /api/docs.
LAYOUT_JS = """
() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  // No phone is this narrow: a window of a few pixels is headless Chromium between states (a
  // 1 px window was measured once in CI, mid-test), not a layout; the next check measures again.
  if (width < 200) return null;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    [...el.classList].map((c) => "." + c).join("") +
    (el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : "");
  const text = (el) => (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40);
  const culprits = [];
  if (root.scrollWidth > width + 1) {
    const clipped = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== "visible") return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll("*")) {
      const right = el.getBoundingClientRect().right + window.scrollX;
      if (right <= width + 1 || clipped(el)) continue;
      const child = [...el.children].some(
        (c) => c.getBoundingClientRect().right + window.scrollX > width + 1);
      if (!child) culprits.push({name: describe(el), text: text(el), right: Math.round(right)});
    }
    culprits.sort((a, b) => b.right - a.right);
  }
  const fields = new Set(["INPUT", "TEXTAREA", "SELECT", "IMG", "VIDEO", "CANVAS", "IFRAME",
    "PROGRESS", "svg"]);
  const spills = [];
  // Django's admin lays its sidebar out past its content box (negative margins) on purpose, and
  // Swagger UI (/api/docs) draws its accordion icons 2 px wider than their box.
  const ours = !location.pathname.startsWith("/admin/") &&
    !location.pathname.startsWith("/api/docs");
  for (const el of ours ? document.body.querySelectorAll("*") : []) {
    if (fields.has(el.tagName) || el.clientWidth <= 2) continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    // Laid out but not drawn: the inside of a closed <details> (content-visibility: hidden).
    if (!el.checkVisibility({contentVisibilityAuto: true})) continue;
    const cs = getComputedStyle(el);
    if (["inline", "contents", "none"].includes(cs.display)) continue;
    if (["auto", "scroll"].includes(cs.overflowX) || cs.textOverflow === "ellipsis") continue;
    spills.push({name: describe(el), text: text(el), width: el.clientWidth,
      content: el.scrollWidth});
    if (spills.length >= 6) break;
  }
  if (!culprits.length && root.scrollWidth <= width + 1 && !spills.length) return null;
  return {url: location.href, width, scrollWidth: root.scrollWidth,
    culprits: culprits.slice(0, 6), spills};
}
"""
# Runs in every page of every context: check after the page has loaded (and its fonts) and again
# after any change to it (htmx swaps, opened <details>, scripts), and hand what is found to Python.
LAYOUT_INIT = (
    "(() => { const check = "
    + LAYOUT_JS
    + """;
  let pending = false;
  const report = () => {
    pending = false;
    const found = check();
    if (found && window.__linliLayout) window.__linliLayout(found);
  };
  const later = () => {
    if (!pending) { pending = true; requestAnimationFrame(() => setTimeout(report, 0)); }
  };
  addEventListener("load", () => {
    document.fonts.ready.then(later);
    new MutationObserver(later).observe(document.documentElement,
      {subtree: true, childList: true, attributes: true, characterData: true});
    addEventListener("toggle", later, true);
  });
})();"""
)


def layout_message(found: dict[str, Any]) -> str:
    """What the layout check found on one page, for a test failure."""
    parts = []
    if found["scrollWidth"] > found["width"] + 1:
        culprits = "; ".join(
            f"<{c['name']}> right edge {c['right']} px" + (f" ({c['text']!r})" if c["text"] else "")
            for c in found["culprits"]
        )
        parts.append(
            f"{found['scrollWidth']} px wide in a {found['width']} px window"
            + (f": {culprits}" if culprits else "")
        )
    if found["spills"]:
        parts.append(
            "content wider than its box (clipped or over its border): "
            + "; ".join(
                f"<{s['name']}> {s['content']} px in {s['width']} px"
                + (f" ({s['text']!r})" if s["text"] else "")
                for s in found["spills"]
            )
        )
    return f"{found['url']}: " + " / ".join(parts)


def check_layout(page: Any) -> str | None:
    """The page's layout problems as a message, or None when it fits its window."""
    if page.is_closed():
        return None
    try:
        found = page.evaluate(LAYOUT_JS)
    except Exception:  # the page is navigating: its load will be checked by the init script
        return None
    return layout_message(found) if found else None


class LayoutWatch:
    """Checks every page of the browser contexts it watches (see LAYOUT_JS); `found` keeps the
    first message per URL."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def report(self, message: str | None) -> None:
        if message:
            self.found.setdefault(message.split(": ", 1)[0], message)

    def watch(self, context: Any) -> None:
        context.expose_binding(
            "__linliLayout", lambda _source, found: self.report(layout_message(found))
        )
        context.add_init_script(LAYOUT_INIT)

    def final_check(self, context: Any) -> None:
        for page in context.pages:
            self.report(check_layout(page))


# Runs in every page before its own scripts: each thing the Content-Security-Policy blocks (the
# browser fires securitypolicyviolation at the element or the document) goes to Python.
CSP_INIT = """
document.addEventListener("securitypolicyviolation", (e) => {
  if (window.__linliCsp) window.__linliCsp({url: location.href, directive: e.effectiveDirective,
    blocked: e.blockedURI, sample: e.sample, where: e.sourceFile + ":" + e.lineNumber});
}, true);
"""


class CspWatch:
    """Collects what the Content-Security-Policy blocked on every page of the contexts it
    watches, one line per distinct violation."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def report(self, v: dict[str, Any]) -> None:
        line = (
            f"{v['url']}: {v['directive']} blocked {v['blocked'] or '(inline)'}"
            + (f" {v['sample']!r}" if v["sample"] else "")
            + f" at {v['where']}"
        )
        if line not in self.found:
            self.found.append(line)

    def watch(self, context: Any) -> None:
        context.expose_binding("__linliCsp", lambda _source, v: self.report(v))
        context.add_init_script(CSP_INIT)


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """Open a page in a new browser context (own cookies), Chinese browser, live server as base.

    JavaScript errors on any page fail the test, and so does anything the Content-Security-Policy
    blocks (CspWatch) and any page wider than its window or with content wider than its box
    (LayoutWatch), checked on every page the test visits.
    """
    contexts: list[Any] = []
    errors: list[str] = []
    csp = CspWatch()
    layout = LayoutWatch()

    def open_page(viewport: dict[str, int] | None = None, locale: str = "zh-CN") -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport or PHONE, locale=locale
        )
        context.set_default_timeout(TIMEOUT_MS)
        csp.watch(context)
        layout.watch(context)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        return page

    yield open_page
    for context in contexts:
        layout.final_check(context)
        context.close()
    if errors:
        pytest.fail("JavaScript errors on the pages:\n" + "\n".join(errors), pytrace=False)
    if csp.found:
        pytest.fail(
            "Content-Security-Policy violations on the pages:\n" + "\n".join(csp.found),
            pytrace=False,
        )
    if layout.found:
        pytest.fail(
            "Pages that do not fit their window:\n" + "\n".join(layout.found.values()),
            pytrace=False,
        )


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    """shot(page, "step") saves test-output/screenshots/<test name>-<step>.png (full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = request.node.name
    for old in SCREENSHOTS.glob(f"{name}-*.png"):
        old.unlink()

    def take(page: Any, step: str) -> Path:
        path = SCREENSHOTS / f"{name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        # What is on screen now must fit (the init script reports it anyway; this names the step
        # and stops the test there).
        message = check_layout(page)
        if message:
            pytest.fail(f"step {step!r}: the page does not fit: {message}", pytrace=False)
        return path

    return take
