"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

The browser is launched once per session; every test gets a fresh context (cookies, language, viewport)
and page. Users and master data are made in the test thread through the services (the fixtures of
tests/conftest.py); the live server sees them because `live_server` makes the test transactional.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.conftest import IN_CI, PASSWORD

# The sync Playwright API keeps an asyncio loop running in the test thread; without this Django would
# refuse ORM calls made there (fixtures, assertions on the database) as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
MISSING = "Chromium not installed: apt-get install chromium"

# Playwright's waits (expect, actions, navigations), in milliseconds: generous for a loaded CI machine.
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, launched once for the whole session. Never downloads a browser."""
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{MISSING} (CI=true: the browser tests are mandatory)", pytrace=False)
        pytest.skip(MISSING)
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (its own cookies); Chinese by default, like a shop in China.

    Options are passed to `browser.new_context` (e.g. viewport={"width": 390, "height": 800}).
    An uncaught JavaScript error on any page fails the test.
    """
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_page(**options: Any) -> Page:
        settings = {
            "base_url": live_server.url,
            "locale": "zh-CN",
            "extra_http_headers": {"Accept-Language": "zh-CN,zh;q=0.9"},
            "accept_downloads": True,
            "viewport": {"width": 1280, "height": 800},
            **options,
        }
        context = browser.new_context(**settings)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors in the browser: {errors}"


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A fresh page at desktop size, in Chinese."""
    return new_page()


@pytest.fixture
def log_in() -> Callable[..., Page]:
    """Log in through the real login form, like a user; returns the page, now on the dashboard."""

    def do(page: Page, username: str, password: str = PASSWORD) -> Page:
        page.goto("/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("#login-form button[type=submit]").click()
        expect(page.locator("#global-search")).to_be_visible()
        page.wait_for_load_state("load")  # the deferred scripts (keyboard shortcuts, scan fields) are running
        return page

    return do
