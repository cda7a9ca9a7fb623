"""Swagger UI's Authorize button: the authorization-code flow with PKCE against ledgerport's
own server, in headless Chromium, as a person would click it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import PASSWORDS, Live
from feature.test_login_pages import browser  # the fixture, shared

_ = browser


@pytest.fixture
def swagger_page(live: Live, browser: Any) -> Iterator[Any]:
    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    page.goto(f"{live.url}/swagger")
    page.wait_for_selector(".btn.authorize")
    yield page
    context.close()


def test_swagger_ui_authorizes_with_code_and_pkce(live: Live, swagger_page: Any) -> None:
    page = swagger_page
    page.click(".btn.authorize")
    section = page.locator(".auth-container", has_text="authorizationCode")
    for scope in ("read", "write", "webhooks"):
        page.click(f"label[for='{scope}-authorizationCode-checkbox-oauth2']")
    with page.expect_popup() as popup_info:
        section.locator("button.authorize").click()
    popup = popup_info.value
    popup.wait_for_selector("#username")
    popup.fill("#username", "alice")
    popup.fill("#password", PASSWORDS["alice"])
    with popup.expect_navigation():
        popup.click("button[type=submit]")
    assert "Read the data of your companies" in popup.content()
    popup.click("button[value=allow]")
    popup.wait_for_event("close")
    section.locator("button", has_text="Logout").wait_for()
    authorized = json.loads(
        page.evaluate("JSON.stringify(window.ui.authSelectors.authorized().toJS())")
    )
    token = authorized["oauth2"]["token"]
    assert token["token_type"] == "bearer"
    assert set(token["scope"].split()) == {"read", "write", "webhooks"}
    status = page.evaluate(
        """async (token) => (await fetch('/api/9999/associates',
             {headers: {Authorization: 'Bearer ' + token}})).status""",
        token["access_token"],
    )
    assert status == 200
