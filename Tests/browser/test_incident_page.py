"""The incident page of a signed link in a real browser (headless Chromium, Selenium): open the
link, read the incident, press a button, see the answer, and find exactly one command on the
escalation queue. Opening the link alone must publish nothing."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait


def _visible_text(browser) -> str:
    return browser.find_element(By.TAG_NAME, "body").text


def test_acknowledge_from_a_personal_link(gateway, browser):
    seeded = gateway.seed("Disk almost full on db-1 <sda>", paged="alice,bob")
    browser.get(gateway.base + seeded["link"])

    assert browser.title == "[critical] Disk almost full on db-1 <sda> · Klaxon"
    text = _visible_text(browser)
    assert "Disk almost full on db-1 <sda>" in text
    assert "triggered: paging" in text
    assert "People: Alice Zhang (alice), Bob Li (bob)" in text
    timeline = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ol.timeline li")]
    assert len(timeline) == 3, timeline
    assert timeline[0].endswith("Incident opened")
    assert timeline[2].endswith("Step 1 paged email:alice@example.com, email:bob@example.com")
    assert "<script" not in browser.page_source
    # Usable on a phone: nothing wider than the screen, buttons as wide as the page.
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    ack = browser.find_element(By.CSS_SELECTOR, "button.ack")
    assert ack.text == "Acknowledge"
    assert ack.size["width"] >= 300 and ack.size["height"] >= 44, ack.size
    labels = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "form button")]
    assert labels == ["Acknowledge", "Resolve", "Snooze 30 min", "Snooze 2 h", "Escalate now"]

    # Opening the page (as mail scanners and chat apps do) published nothing.
    assert gateway.take_commands(count=1, wait=1) == []

    ack.click()
    notice = WebDriverWait(browser, 20).until(ec.presence_of_element_located((By.CSS_SELECTOR, "p.notice")))
    assert notice.text.startswith("Acknowledged — paging stops.")
    assert "/incidents/" + seeded["incident"] + "?" in browser.current_url
    assert "done=acknowledge" in browser.current_url
    assert browser.title.endswith("· Klaxon") and "Disk almost full" in browser.title

    commands = gateway.take_commands(count=1, wait=15)
    assert len(commands) == 1, commands
    c = commands[0]
    assert (c["incidentID"], c["action"], c["by"], c["via"]) == (seeded["incident"], "acknowledge", "alice", "link")
    assert "until" not in c
    # Reloading the answer is a GET: nothing more is published.
    browser.refresh()
    assert gateway.take_commands(count=1, wait=1) == []


def test_a_team_link_asks_who_is_acting(gateway, browser):
    seeded = gateway.seed("Replication lag on db-2", paged="alice,bob")
    browser.get(gateway.base + seeded["teamLink"])
    assert "This link was sent to a team" in _visible_text(browser)

    resolve_form = browser.find_element(By.XPATH, "//form[button[@class='resolve']]")
    button = resolve_form.find_element(By.TAG_NAME, "button")
    # The person acting is required: the browser refuses to submit without one.
    button.click()
    assert "done=" not in browser.current_url
    assert gateway.take_commands(count=1, wait=1) == []

    resolve_form = browser.find_element(By.XPATH, "//form[button[@class='resolve']]")
    Select(resolve_form.find_element(By.NAME, "by")).select_by_visible_text("Bob Li (bob)")
    resolve_form.find_element(By.TAG_NAME, "button").click()
    notice = WebDriverWait(browser, 20).until(ec.presence_of_element_located((By.CSS_SELECTOR, "p.notice")))
    assert notice.text.startswith("Resolved — everyone paged is told.")
    commands = gateway.take_commands(count=1, wait=15)
    assert [(c["action"], c["by"], c["via"]) for c in commands] == [("resolve", "bob", "link")]


def test_an_edited_link_gets_a_clear_page(gateway, browser):
    seeded = gateway.seed("CPU hot on web-3")
    browser.get(gateway.base + seeded["link"].replace("p=alice", "p=bob"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "This link is not valid"
    assert "signature does not match" in _visible_text(browser)
    assert browser.find_elements(By.TAG_NAME, "form") == []
    assert gateway.take_commands(count=1, wait=1) == []
