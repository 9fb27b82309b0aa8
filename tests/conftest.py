"""Browser fixtures: Debian's Chromium through Playwright, every network request blocked and recorded."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking"]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


@pytest.fixture(autouse=True, scope="session")
def _private_extract_cache(tmp_path_factory):
    """The suite's CLI runs cache extractions in a temporary folder, never in the user's ~/.cache
    (and a warm user cache cannot hide an extractor change from a test)."""
    folder = tmp_path_factory.mktemp("extract-cache")
    old = os.environ.get("FRONTLINE_MAP_EXTRACT_CACHE")
    os.environ["FRONTLINE_MAP_EXTRACT_CACHE"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("FRONTLINE_MAP_EXTRACT_CACHE", None)
    else:
        os.environ["FRONTLINE_MAP_EXTRACT_CACHE"] = old


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole test session (never `playwright install`)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class OfflinePage:
    """A page whose non-file requests are aborted and recorded; page errors are collected."""

    def __init__(self, browser, viewport=(1280, 800)):
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(5000)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        # The page's Content Security Policy forbids eval, so Playwright's string predicates
        # (wait_for_function) cannot run in it: tests poll with evaluate (see wait()). Every CSP
        # violation is recorded and counts as a page error.
        self.page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                                  "{(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI);});")
        self.page.on("request", self._seen)
        self.context.route("**/*", self._route)

    def _seen(self, req) -> None:
        if not req.url.startswith(LOCAL_SCHEMES):
            self.requests.append(req.url)

    def _route(self, route) -> None:
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            if route.request.url not in self.requests:
                self.requests.append(route.request.url)
            route.abort()

    def open(self, path: str | Path, hash: str = "") -> OfflinePage:
        self.page.goto(Path(path).resolve().as_uri() + hash)
        self.wait("!!(window.frontline && window.frontline.shownCount)")
        return self

    def wait(self, expr: str, arg=None, timeout: float = 5.0):
        """Poll a JS expression (or function of *arg*) until truthy; its value."""
        end = time.monotonic() + timeout
        while True:
            v = self.page.evaluate(expr, arg)
            if v:
                return v
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {expr}")
            time.sleep(0.05)

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__csp || []")

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def offline_page(browser):
    pages: list[OfflinePage] = []

    def make(**kw) -> OfflinePage:
        p = OfflinePage(browser, **kw)
        pages.append(p)
        return p
    yield make
    for p in pages:
        p.close()


def pytest_terminal_summary(terminalreporter):
    """Say how many fuzz cases ran (tests/test_fuzz.py counts them), also without ``-s``."""
    import sys
    fuzz = sys.modules.get("test_fuzz") or sys.modules.get("tests.test_fuzz")
    if fuzz is not None and getattr(fuzz, "CASES", None):
        terminalreporter.write_line(f"fuzz cases: {sum(fuzz.CASES.values()):,} "
                                    f"({', '.join(f'{k} {v}' for k, v in fuzz.CASES.items())})")
