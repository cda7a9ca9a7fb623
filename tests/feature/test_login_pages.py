"""The login and consent pages in headless Chromium, clicked through as a person would."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from authlib.common.security import generate_token

from conftest import PASSWORDS, Live
from feature.oauth_helpers import localhost_receiver, query_of, register_client
from feature.test_oauth import authorize_url

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def browser(live: Live) -> Iterator[Any]:
    """Per test, after ``live``: Playwright's sync API holds an event loop while it runs,
    and the server fixtures need ``asyncio.run``."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs chromium: {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def test_sign_in_and_allow_in_a_browser(live: Live, browser: Any) -> None:
    with localhost_receiver() as receiver:
        app = register_client(
            live, public=True, grantTypes=["authorization_code"], redirectUris=[receiver.url]
        )
        url = authorize_url(live, str(app["clientId"]), receiver.url, generate_token(48))
        context = browser.new_context(ignore_https_errors=True)
        page = context.new_page()
        page.goto(url)
        assert page.title() == "Sign in · ledgerport"
        page.fill("#username", "alice")
        page.fill("#password", "wrong password")
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.locator("[role=alert]").inner_text() == "Wrong user name or password."
        page.fill("#username", "alice")
        page.fill("#password", PASSWORDS["alice"])
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.title() == "Allow access? · ledgerport"
        scopes = page.locator("li").all_inner_texts()
        assert any("Read the data of your companies" in s for s in scopes)
        assert any("Create, change and delete data" in s for s in scopes)
        assert "Test app" in page.content()
        with page.expect_navigation():
            page.click("button[value=allow]")
        page.wait_for_url(receiver.url + "*")
        assert "You can close this window." in page.content()
        context.close()
    query = query_of(receiver.received[0])
    assert query["state"] == "st-123"
    assert query["code"]


def test_a_forged_form_post_is_refused_in_a_browser(live: Live, browser: Any) -> None:
    app = register_client(
        live,
        public=True,
        grantTypes=["authorization_code"],
        redirectUris=["http://localhost:8765/callback"],
    )
    url = authorize_url(live, str(app["clientId"]), "http://localhost:8765/callback", "v" * 43)
    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    page.goto(url)
    page.evaluate("document.querySelector('input[name=csrf]').value = 'forged'")
    page.fill("#username", "alice")
    page.fill("#password", PASSWORDS["alice"])
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.title() == "Please start again · ledgerport"
    context.close()
