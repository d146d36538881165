"""Fixtures for the browser tests.

The app is served by pytest-django's `live_server` from the test database, which each test fills
with a small demo city; Playwright's sync API drives Debian's Chromium (never `playwright
install`). Every test keeps a screenshot per step under test-output/screenshots/.
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
    from core.demo.city import build_demo_city

    return build_demo_city(scale=DEMO_SCALE, seed=DEMO_SEED)


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """Open a page in a new browser context (own cookies), Chinese browser, live server as base.

    JavaScript errors on any page fail the test.
    """
    contexts: list[Any] = []
    errors: list[str] = []

    def open_page(viewport: dict[str, int] | None = None, locale: str = "zh-CN") -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport or PHONE, locale=locale
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    if errors:
        pytest.fail("JavaScript errors on the pages:\n" + "\n".join(errors), pytrace=False)


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
        return path

    return take
