"""The duty console in a real headless browser (Debian's chromium + chromium-driver, Selenium).

Starts the built deskd on a free loopback port in a temporary directory with the demo data,
signs in with `deskctl console`, and drives every page. Screenshots go to the folder printed at
the start (CONSOLE_SCREENSHOTS to choose it). Run with `make test-console`.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("DESK_BUILD", ROOT / ".build" / "debug"))
WAIT = 15  # seconds any one page may take to show something (a bound, not a measurement)

XSS_TEXTS = [
    "<script>window.__xss = 1</script> Brand i källaren, pågår",
    '<img src=x onerror="window.__xss = 2"> Rök i trapphuset just nu',
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Desk:
    """A real deskd in a temporary directory, with the demo reports and roster."""

    # Every test's browsers and requests come from the same address, 127.0.0.1, as many people's
    # would from one address only behind a proxy: more sign-ins and refusals than one person's.
    SHARED_ADDRESS_LIMITS = 'sign_in_rate = "1/100"\nanonymous_rate = "1/200"'

    def __init__(self, limits=SHARED_ADDRESS_LIMITS, history=False):
        self.dir = Path(tempfile.mkdtemp(prefix="desk-console-"))
        self.port = free_port()
        self.history = None
        seeds = ROOT / "seeds"
        if history:
            # Five weeks of history written through the real desk with a moved clock (desk-bench
            # history), instead of the demo data; its own record of what it did, to compare with.
            (self.dir / "state").mkdir(mode=0o700)
            written = subprocess.run(
                [str(BUILD / "desk-bench"), str(ROOT), "history", str(self.dir / "state" / "deskd.sqlite")],
                capture_output=True, text=True, timeout=300)
            assert written.returncode == 0, written.stderr
            self.history = json.loads(written.stdout)
        self.socket = self.dir / "deskd.sock"
        self.base = f"http://127.0.0.1:{self.port}"
        config = self.dir / "deskd.toml"
        config.write_text(
            f"""
[server]
http = "127.0.0.1:{self.port}"
unix_socket = "{self.socket}"
[storage]
state_directory = "{self.dir / 'state'}"
[areas]
file = "{ROOT / 'seeds' / 'areas.json'}"
[seeds]
demo_reports = "{'' if history else seeds / 'demo-reports.json'}"
demo_roster = "{'' if history else seeds / 'roster.json'}"
[classifier]
rules = "{ROOT / 'config' / 'classifier.toml'}"
model_dir = "{ROOT / 'model'}"
[log]
level = "notice"
target = "stderr"
[limits]
{limits}
"""
        )
        self.log = open(self.dir / "deskd.log", "w")
        self.process = subprocess.Popen(
            [str(BUILD / "deskd"), "--config", str(config)], stdout=self.log, stderr=subprocess.STDOUT
        )
        for _ in range(240):
            if self.process.poll() is not None:
                raise RuntimeError("deskd stopped: " + (self.dir / "deskd.log").read_text())
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.25)
        else:
            raise RuntimeError("deskd did not answer /healthz")
        self.admin = self.token("console-test-admin", "admin")

    def deskctl(self, *args):
        environment = dict(os.environ, DESKCTL_SOCKET=str(self.socket))
        result = subprocess.run(
            [str(BUILD / "deskctl"), *args], capture_output=True, text=True, timeout=60, env=environment
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def token(self, name, role, responder=None):
        args = ["token", "create", "--name", name, "--role", role, "--json"]
        if responder:
            args += ["--responder", responder]
        return json.loads(self.deskctl(*args))["secret"]

    def sign_in_url(self):
        url = self.deskctl("console").splitlines()[0]
        # The code is in the fragment, which the browser never sends: only the page's POST redeems it.
        assert url.startswith(self.base + "/#code="), url
        return url

    def api(self, method, path, body=None, token=None, headers=None):
        request = urllib.request.Request(self.base + path, method=method)
        request.add_header("Authorization", f"Bearer {token or self.admin}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, data=data, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()
        # What deskd logged at warning and above, for the test output (a refused connection, a failure).
        for line in (self.dir / "deskd.log").read_text(errors="replace").splitlines():
            if " warning " in line or " error " in line or " critical " in line:
                print("deskd:", line)
        shutil.rmtree(self.dir, ignore_errors=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Shows a redirect as it is (an HTTPError with the 3xx status) instead of following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@pytest.fixture(scope="module")
def desk():
    instance = Desk()
    yield instance
    instance.stop()


@pytest.fixture(scope="module")
def shots():
    folder = Path(os.environ.get("CONSOLE_SCREENSHOTS") or tempfile.mkdtemp(prefix="console-screenshots-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nconsole screenshots: {folder}")
    return folder


def make_browser(width=1280, height=900, lang="en-GB"):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}", f"--lang={lang}"]:
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": lang})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    browser = webdriver.Chrome(options=options, service=service)
    browser.set_window_size(width, height)
    return browser


@pytest.fixture
def browser():
    instance = make_browser()
    yield instance
    instance.quit()


def wait(browser, condition, timeout=WAIT):
    # Live updates redraw parts of the page: an element found a moment ago may be gone.
    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(browser, timeout, ignored_exceptions=ignored).until(condition)


def sign_in(browser, desk):
    browser.get(desk.sign_in_url())
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "nav a[href='#/board']")))
    # The code is gone from the address once signed in.
    assert "code=" not in browser.current_url
    wait(browser, lambda b: b.execute_script("return document.body.dataset.boardLoaded"))


def click(browser, by, selector):
    """Finds and clicks, again if a live update redrew the element in between."""
    def attempt(b):
        b.find_element(by, selector).click()
        return True
    wait(browser, attempt)


def texts(browser, css):
    """The visible text of every element matching `css`, read at one instant (live updates redraw)."""
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map((e) => e.innerText)", css)


def attributes(browser, css, name):
    """Attribute `name` of every element matching `css`, read at one instant."""
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map((e) => e.getAttribute(arguments[1]))", css, name)


def check_accessibility(browser, name):
    axe = Axe(browser)
    axe.inject()
    results = axe.run()
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    others = [f"{v['id']} ({v['impact']})" for v in results["violations"] if v not in serious]
    if others:
        print(f"axe on {name}: minor findings: {', '.join(others)}")
    assert not serious, f"axe on {name}: " + json.dumps(
        [{"id": v["id"], "impact": v["impact"], "nodes": [n["html"] for n in v["nodes"][:3]]} for v in serious],
        indent=1,
    )


def open_incidents(desk):
    status, body = desk.api("GET", "/v1/console/board")
    assert status == 200
    return body["items"]


def test_sign_in_board_live_update_and_accessibility(desk, browser, shots):
    sign_in(browser, desk)
    cards = texts(browser, "li.card")
    expected = open_incidents(desk)
    assert len(expected) > 0, "the demo data has open incidents"
    assert len(cards) == len(expected)
    # Three columns, phase and severity in text, not colour alone.
    phases = attributes(browser, "section.column", "data-phase")
    assert phases[:3] == ["before", "during", "after"]
    first = cards[0]
    assert "Phase:" in first and "Severity" in first and "Reports:" in first
    browser.save_screenshot(str(shots / "board.png"))
    check_accessibility(browser, "board")

    # A report posted through the API appears without a reload.
    browser.execute_script("window.__sameDocument = true")
    wait(browser, lambda b: b.execute_script("return document.body.dataset.live") == "stream")
    started = time.monotonic()
    status, created = desk.api("POST", "/v1/reports", {"area": "skarholmen", "text": "Explosion vid centrum, pågår nu, flera skadade"})
    assert status == 201, created
    incident = created["incident"]["id"]
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, f"li.card[data-incident='{incident}']")))
    seconds = time.monotonic() - started
    print(f"live update: the new incident was on the board {seconds:.2f} s after the API answered 201")
    assert browser.execute_script("return window.__sameDocument") is True, "the page was not reloaded"
    assert browser.execute_script("return document.body.dataset.live") == "stream"
    browser.save_screenshot(str(shots / "board-live.png"))


# The console refreshes its page at most once per this many seconds however many events arrive (app.js).
REFRESH_INTERVAL = 2.0


def test_a_burst_of_events_costs_at_most_one_board_fetch_per_interval(desk, browser):
    # Review M5: every event used to reload the whole board in every console.
    sign_in(browser, desk)
    wait(browser, lambda b: b.execute_script("return document.body.dataset.live") == "stream")
    browser.execute_script("performance.setResourceTimingBufferSize(100000); performance.clearResourceTimings()")
    texts_sent = [f"Brand i soprum nummer {n}, pågår nu" for n in range(10)]
    areas = ["rinkeby", "tensta", "husby", "fittja", "skarholmen"]
    started = time.monotonic()
    incidents = []
    for n, text in enumerate(texts_sent):
        status, created = desk.api("POST", "/v1/reports", {"area": areas[n % len(areas)], "text": text})
        assert status == 201, created
        incidents.append(created["incident"]["id"])
        time.sleep(0.3)  # apart by more than the old 150 ms debounce: each event its own reload before
    burst = time.monotonic() - started
    for incident in incidents:
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, f"li.card[data-incident='{incident}']")))
    time.sleep(REFRESH_INTERVAL + 0.5)  # the trailing refresh, if one is due
    starts = browser.execute_script(
        "return performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/v1/console/board'))"
        ".map((e) => e.startTime / 1000)")
    gaps = [round(b - a, 2) for a, b in zip(starts, starts[1:])]
    print(f"burst of {len(incidents)} reports over {burst:.1f} s: {len(starts)} board fetches, {gaps} s apart")
    assert 1 <= len(starts) < len(incidents), starts
    assert all(gap >= REFRESH_INTERVAL - 0.1 for gap in gaps), gaps
    assert sorted(attributes(browser, "li.card", "data-incident")) == sorted(i["incident"]["id"] for i in open_incidents(desk))


def test_report_form_classifies_while_typing_and_stores_once(desk, browser, shots):
    sign_in(browser, desk)
    browser.get(desk.base + "/#/report")
    area = wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "input[name='area']")))
    area.send_keys("Rinkeby")
    text = "Brand i trapphuset på Rinkebystråket, pågår just nu, två skadade"
    browser.find_element(By.CSS_SELECTOR, "textarea[name='text']").send_keys(text)
    # (Typing takes a while: wait for the classification of the whole text.)
    def shown(b):
        fields = {e.get_attribute("data-field"): e.text for e in b.find_elements(By.CSS_SELECTOR, "#classification [data-field]")}
        return fields if fields.get("phase") == "During" and fields.get("category") == "Fire" else None
    assert wait(browser, shown)
    assert browser.find_elements(By.CSS_SELECTOR, "#classification .signals li")
    browser.save_screenshot(str(shots / "report-form.png"))
    check_accessibility(browser, "report form")
    # A double click sends one report (the button is disabled and the key is the same).
    browser.execute_script("const b = document.querySelector('form.report button[type=submit]'); b.click(); b.click();")
    wait(browser, lambda b: b.current_url.split("#")[-1].startswith("/incident/"))
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, ".reports .text")))
    assert text in texts(browser, ".reports .text")
    incident = browser.current_url.split("/incident/")[-1]
    status, detail = desk.api("GET", f"/v1/incidents/{incident}")
    assert status == 200
    assert sum(1 for report in detail["reports"] if report["text"] == text) == 1
    browser.save_screenshot(str(shots / "incident.png"))
    check_accessibility(browser, "incident page")


def test_incident_actions_show_refusals_as_text(desk, browser, shots):
    status, created = desk.api("POST", "/v1/reports", {"area": "tensta", "text": "Oro efter branden förra veckan, boende rädda"})
    assert status == 201
    incident = created["incident"]["id"]
    sign_in(browser, desk)
    browser.get(f"{desk.base}/#/incident/{incident}")
    wait(browser, EC.presence_of_element_located((By.ID, "actions-title")))
    # Add a note through the form; it shows on the timeline.
    click(browser, By.XPATH, "//summary[text()='Add a note']")
    browser.find_element(By.CSS_SELECTOR, "details[open] textarea").send_keys("Samtalsstöd i lokalen kl 18")
    browser.find_element(By.CSS_SELECTOR, "details[open] button[type=submit]").click()
    wait(browser, lambda b: "Samtalsstöd i lokalen kl 18" in b.find_element(By.CSS_SELECTOR, ".timeline").text)
    # Changing to the phase it already has is refused with the API's problem, readable.
    current = desk.api("GET", f"/v1/incidents/{incident}")[1]["phase"]
    click(browser, By.XPATH, "//summary[text()='Change phase']")
    form = browser.find_element(By.CSS_SELECTOR, "details[open] form")
    Select(form.find_element(By.TAG_NAME, "select")).select_by_value(current)
    form.find_element(By.CSS_SELECTOR, "input").send_keys("test")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    message = wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "details[open] .error").text)
    assert ":" in message and "{" not in message, message
    browser.save_screenshot(str(shots / "incident-refusal.png"))


def test_report_text_renders_as_text(desk, browser, shots):
    ids = []
    for text in XSS_TEXTS:
        status, created = desk.api("POST", "/v1/reports", {"area": "husby", "text": text})
        assert status == 201
        ids.append(created["incident"]["id"])
    sign_in(browser, desk)
    for incident, text in zip(ids, XSS_TEXTS):
        browser.get(f"{desk.base}/#/incident/{incident}")
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, ".reports .text")))
        shown = texts(browser, ".reports .text")
        assert text in shown, shown
        assert browser.execute_script("return window.__xss") is None
        assert not browser.find_elements(By.CSS_SELECTOR, "main img, main script")
    browser.save_screenshot(str(shots / "incident-xss.png"))


def me_with(desk, headers):
    """GET /v1/console/me with exactly `headers` (no token): the status and the decoded body."""
    request = urllib.request.Request(desk.base + "/v1/console/me", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_the_cookie_alone_opens_nothing_and_the_page_keeps_the_secret(desk, browser):
    # Review M1: any listener on another port of this host receives the cookie (cookies ignore ports).
    sign_in(browser, desk)
    cookie = browser.get_cookie("desk_session")["value"]
    secret = browser.execute_script("return localStorage.getItem('desk.session')")
    assert secret and browser.execute_script("return document.cookie") == ""
    status, body = me_with(desk, {"Cookie": f"desk_session={cookie}"})
    assert status == 401 and secret not in json.dumps(body), body
    status, body = me_with(desk, {"Cookie": f"desk_session={cookie}", "X-Desk-CSRF": secret})
    assert status == 200 and body.get("csrf_token") is None, body
    # The page's own requests carry it, the live stream (fetch, not EventSource) included.
    wait(browser, lambda b: b.execute_script("return document.body.dataset.live") == "stream")
    # A reload, and another tab of the same origin, stay signed in (localStorage is the origin's).
    browser.refresh()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "nav a[href='#/board']")))
    first = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(desk.base + "/#/duty")
    wait(browser, EC.presence_of_element_located((By.ID, "now-title")))
    wait(browser, lambda b: b.execute_script("return document.body.dataset.live") == "stream")
    # Sign-out in one tab forgets the secret; the other tab's next request finds the session over.
    browser.find_element(By.XPATH, "//button[text()='Sign out']").click()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "input[name='token']")))
    assert browser.execute_script("return localStorage.getItem('desk.session')") is None
    browser.switch_to.window(first)
    browser.refresh()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "input[name='token']")))


def test_reused_code_and_signed_out_session_are_refused(desk, browser, shots):
    url = desk.sign_in_url()
    # A link preview (or a mail scanner) that fetches the old GET form gets no session, and the
    # code still works in the browser afterwards.
    code = url.split("#code=")[1]
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as preview:
        opener.open(desk.base + "/console/sign-in?code=" + code, timeout=30)
    assert preview.value.code == 303 and preview.value.headers.get("Set-Cookie") is None
    browser.get(url)
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "nav a[href='#/board']")))
    cookie = browser.get_cookie("desk_session")
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert browser.execute_script("return document.cookie") == ""
    secret = browser.execute_script("return localStorage.getItem('desk.session')")
    # Sign out: the session ends on the server too.
    browser.find_element(By.XPATH, "//button[text()='Sign out']").click()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "input[name='token']")))
    status, body = me_with(desk, {"Cookie": f"desk_session={cookie['value']}", "X-Desk-CSRF": secret})
    assert status == 401, body
    # The same code again: refused, and the page says so.
    browser.delete_all_cookies()
    browser.get(url)
    message = wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "main .error").text)
    assert "already been used" in message
    assert "code=" not in browser.current_url
    browser.save_screenshot(str(shots / "sign-in-refused.png"))
    check_accessibility(browser, "sign-in page")


def test_responder_on_a_phone_sees_their_areas_and_acknowledges(desk, shots):
    # A call-out waiting for an answer (the demo's "during" incidents are staffed at start-up).
    callout = None
    for _ in range(120):
        status, body = desk.api("GET", "/v1/callouts?status=pending&limit=500")
        assert status == 200
        if body["items"]:
            callout = body["items"][0]
            break
        time.sleep(0.25)
    assert callout, "no pending call-out in the demo data"
    responder = callout["responder"]
    token = desk.token(f"phone-{responder}", "responder", responder)
    status, me = desk.api("GET", "/v1/roster/export")
    areas = next(r["areas"] for r in me["responders"] if r["id"] == responder)
    phone = make_browser(360, 740)
    try:
        phone.get(desk.base + "/")
        field = wait(phone, EC.presence_of_element_located((By.CSS_SELECTOR, "input[name='token']")))
        phone.save_screenshot(str(shots / "sign-in-phone.png"))
        field.send_keys(token)
        phone.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        wait(phone, lambda b: b.execute_script("return document.body.dataset.boardLoaded"))
        shown = set(attributes(phone, "li.card", "data-incident"))
        everything = open_incidents(desk)
        theirs = {item["incident"]["id"] for item in everything if item["incident"]["area"] in areas}
        assert shown == theirs and len(theirs) < len(everything)
        assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
        phone.save_screenshot(str(shots / "board-phone.png"))
        check_accessibility(phone, "board at 360 px")
        phone.get(desk.base + "/#/duty")
        item = wait(phone, EC.presence_of_element_located((By.CSS_SELECTOR, f"li[data-callout='{callout['id']}']")))
        assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
        phone.save_screenshot(str(shots / "duty-phone.png"))
        check_accessibility(phone, "duty page at 360 px")
        # Keyboard only: focus the button and press Enter.
        button = item.find_element(By.CSS_SELECTOR, "button[data-action='ack']")
        phone.execute_script("arguments[0].focus()", button)
        button.send_keys("\n")
        wait(phone, lambda b: not b.find_elements(By.CSS_SELECTOR, f"li[data-callout='{callout['id']}']"))
        status, body = desk.api("GET", f"/v1/callouts?incident={callout['incident_id']}&limit=500")
        assert next(c for c in body["items"] if c["id"] == callout["id"])["state"] == "acknowledged"
        phone.save_screenshot(str(shots / "duty-phone-acknowledged.png"))
    finally:
        phone.quit()


def test_swedish_from_the_browser_and_switchable(desk, shots):
    swedish = make_browser(lang="sv-SE")
    try:
        sign_in(swedish, desk)
        assert swedish.find_element(By.CSS_SELECTOR, "nav a[href='#/board']").text == "Tavla"
        assert swedish.execute_script("return document.documentElement.lang") == "sv"
        assert "Fas:" in texts(swedish, "li.card")[0]
        swedish.save_screenshot(str(shots / "board-sv.png"))
        swedish.get(desk.base + "/#/duty")
        wait(swedish, EC.presence_of_element_located((By.ID, "now-title")))
        swedish.save_screenshot(str(shots / "duty-sv.png"))
        check_accessibility(swedish, "duty page (sv)")
        Select(swedish.find_element(By.CSS_SELECTOR, "header select")).select_by_value("en")
        wait(swedish, lambda b: b.find_element(By.CSS_SELECTOR, "nav a[href='#/board']").text == "Board")
    finally:
        swedish.quit()


def test_both_languages_are_complete():
    source = (ROOT / "Sources" / "DeskAPI" / "Console" / "Assets" / "i18n.js").read_text()
    blocks = re.findall(r"const (en|sv) = \{(.*?)\n\};", source, re.S)
    keys = {name: set(re.findall(r"^\s*'([^']+)':", body, re.M)) for name, body in blocks}
    assert len(keys["en"]) > 100
    assert keys["en"] == keys["sv"], keys["en"] ^ keys["sv"]


def test_sessions_are_listed_and_ended_with_deskctl(desk, browser):
    sign_in(browser, desk)
    listed = json.loads(desk.deskctl("console", "sessions", "--json"))["items"]
    cookie = browser.get_cookie("desk_session")["value"]
    assert listed and all(cookie not in json.dumps(session) for session in listed)
    mine = [session for session in listed if session["method"] == "code"][-1]
    assert "ended" in desk.deskctl("console", "end", mine["id"])
    browser.refresh()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "input[name='token']")))


def test_the_board_falls_back_to_polling_when_the_stream_is_blocked(desk, browser):
    # The browser may not reach /v1/events at all (a proxy that buffers, a dropped stream).
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/v1/events*"]})
    sign_in(browser, desk)
    wait(browser, lambda b: b.execute_script("return document.body.dataset.live") == "polling")
    browser.execute_script("window.__sameDocument = true")
    status, created = desk.api("POST", "/v1/reports", {"area": "fittja", "text": "Vattenläcka har översvämmat källaren nu"})
    assert status == 201, created
    incident = created["incident"]["id"]
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, f"li.card[data-incident='{incident}']")))
    assert browser.execute_script("return window.__sameDocument") is True
    assert browser.execute_script("return document.body.dataset.live") == "polling"


def test_a_busy_desk_still_shows_the_sign_in_form(shots):
    # Review M2: once an address has spent its allowance of requests without valid credentials, a
    # sign-in from it answers 429 (GET /v1/console/me never does: it is not charged); the console
    # then shows its sign-in form and when to try again, not an error page. A desk of its own: the
    # allowance is per address and this one is spent.
    busy_desk = Desk(limits="")  # the default allowances
    browser = make_browser()
    try:
        statuses = []
        for _ in range(40):
            try:
                urllib.request.urlopen(busy_desk.base + "/v1/incidents", timeout=30)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
                if error.code == 429:
                    break
        assert statuses[-1] == 429, statuses
        # A fresh sign-in link: the page POSTs its code, which the spent address may not try now.
        browser.get(busy_desk.sign_in_url())
        message = wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "main .error").text)
        assert "busy" in message and re.search(r"Try again in \d+ s", message), message
        assert browser.find_elements(By.CSS_SELECTOR, "input[name='token']")
        browser.save_screenshot(str(shots / "sign-in-busy.png"))
    finally:
        browser.quit()
        busy_desk.stop()


def test_responder_declines_with_a_reason_by_keyboard(desk, shots):
    status, body = desk.api("GET", "/v1/callouts?status=pending&limit=500")
    assert status == 200 and body["items"], "no pending call-out left in the demo data"
    callout = body["items"][-1]
    token = desk.token(f"decline-{callout['responder']}-{callout['id'][-6:]}", "responder", callout["responder"])
    phone = make_browser(360, 740)
    try:
        phone.get(desk.base + "/")
        field = wait(phone, EC.presence_of_element_located((By.CSS_SELECTOR, "input[name='token']")))
        field.send_keys(token + "\n")  # Enter submits the sign-in form
        wait(phone, lambda b: b.execute_script("return document.body.dataset.boardLoaded"))
        phone.get(desk.base + "/#/duty")
        item = wait(phone, EC.presence_of_element_located((By.CSS_SELECTOR, f"li[data-callout='{callout['id']}']")))
        # Declining without a reason is stopped by the form; with one, the call-out is declined.
        reason = item.find_element(By.CSS_SELECTOR, "input[name='reason']")
        reason.send_keys("Utomlands till fredag\n")
        wait(phone, lambda b: not b.find_elements(By.CSS_SELECTOR, f"li[data-callout='{callout['id']}']"))
        status, body = desk.api("GET", f"/v1/callouts?incident={callout['incident_id']}&limit=500")
        answered = next(c for c in body["items"] if c["id"] == callout["id"])
        assert answered["state"] == "declined" and answered["reason"] == "Utomlands till fredag", answered
        phone.save_screenshot(str(shots / "duty-phone-declined.png"))
        # The incident's call-outs say how each was answered (here: through the console, an API client).
        phone.get(desk.base + f"/#/incident/{callout['incident_id']}")
        # Its text is read inside the wait: a live update may draw the list again in between.
        answered_via = f"li[data-callout='{callout['id']}'][data-answered-via='api']"
        shown = wait(phone, lambda b: b.find_element(By.CSS_SELECTOR, answered_via).text)
        assert "answered via API/console" in shown, shown
        phone.save_screenshot(str(shots / "incident-phone-answered-via.png"))
    finally:
        phone.quit()


# Trends: the page after a scripted history (issue 35).


@pytest.fixture(scope="module")
def trends_desk():
    instance = Desk(history=True)
    yield instance
    instance.stop()


def reference(values, fraction):
    """The value at `fraction` between the two nearest, as percentile_cont: the test's own."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (position - lower) * (ordered[upper] - ordered[lower])


def table_values(browser, name):
    """A table's cells as {row key: [data-value, ...]}, read at one instant."""
    return browser.execute_script(
        """return Object.fromEntries([...document.querySelectorAll(`table[data-table='${arguments[0]}'] tbody tr`)]
            .map((row) => [row.dataset.row, [...row.querySelectorAll('td')].map((cell) => cell.dataset.value)]));""",
        name)


def open_trends(browser, desk, period="12w"):
    browser.get(desk.base + "/#/trends")
    wait(browser, lambda b: b.execute_script("return document.body.dataset.trendsLoaded") == period)


def test_trends_show_the_history_in_tables_and_one_mark_per_week(trends_desk, browser, shots):
    history = trends_desk.history
    weeks = history["weeks"]
    sign_in(browser, trends_desk)
    open_trends(browser, trends_desk)
    assert browser.find_element(By.CSS_SELECTOR, "nav a[href='#/trends']").get_attribute("aria-current") == "page"
    # Every picture has one mark per week of the period (12 by default), small multiples too.
    charts = browser.find_elements(By.CSS_SELECTOR, "svg[data-chart]")
    assert len(charts) >= 5
    for chart in charts:
        marks = chart.find_elements(By.CSS_SELECTOR, "g.mark")
        assert len(marks) == 12, chart.get_attribute("data-chart")
        assert [m.get_attribute("data-week") for m in marks][-6:] == weeks
    # Incidents per week and phase: what the history opened (summed over areas).
    incidents = table_values(browser, "incidents")
    headers = texts(browser, "table[data-table='incidents'] thead th")
    assert headers[0] == "Week" and headers[-1] == "Total"
    phases = [h.lower() for h in headers[1:-1]]
    for week in weeks:
        made = history["incidents"].get(week, {})
        expected = [sum(n for key, n in made.items() if key.endswith("/" + phase)) for phase in phases]
        assert [int(v) for v in incidents[week][:-1]] == expected, week
        assert int(incidents[week][-1]) == sum(made.values())
    # Per area (small multiples and their table): Rinkeby and Tensta only.
    areas = table_values(browser, "areas")
    assert set(areas) == {"rinkeby", "tensta"}
    for area in areas:
        per_week = [int(v) for v in areas[area][-6:]]
        assert per_week == [sum(n for key, n in history["incidents"].get(w, {}).items() if key.startswith(area + "/"))
                            for w in weeks], area
    assert len(browser.find_elements(By.CSS_SELECTOR, ".multiples li svg[data-chart]")) == 2
    # Call-outs: counts, answer times (median, 90th percentile), escalated share, unstaffed.
    answers = table_values(browser, "answers")
    for week in weeks:
        states = history["callouts"].get(week, {})
        callouts, acknowledged, median, p90, share, unstaffed = answers[week]
        assert int(callouts) == sum(states.values()) and int(acknowledged) == states.get("acknowledged", 0), week
        times = history["answers"].get(week, [])
        assert int(unstaffed) == history["unstaffed"].get(week, 0), week
        if not states:  # no call-out that week: no answer time, no share
            assert [median, p90, share] == ["", "", ""], week
            continue
        assert abs(float(median) - reference(times, 0.5)) < 1e-6, (week, median, times)
        assert abs(float(p90) - reference(times, 0.9)) < 1e-6, (week, p90, times)
        escalated = states.get("escalated", 0)
        assert abs(float(share) - escalated / sum(states.values())) < 1e-9, week
    assert any(history["unstaffed"].values()), "the history left no incident unstaffed"
    escalated = table_values(browser, "escalated")
    assert [int(escalated[w][1]) for w in weeks] == [history["callouts"].get(w, {}).get("escalated", 0) for w in weeks]
    # Follow-ups by due week.
    followups = table_values(browser, "followups")
    for week in weeks:
        states = history["followups"].get(week, {})
        due, on_time, late, overdue, pending = [int(v) for v in followups[week]]
        assert [on_time, late, overdue, pending] == [
            states.get(k, 0) for k in ("done_on_time", "done_late", "overdue", "pending")], week
        assert due == on_time + late + overdue + pending
    # A screenshot per chart.
    for section in browser.find_elements(By.CSS_SELECTOR, "section.trend"):
        section.screenshot(str(shots / f"trends-{section.get_attribute('id')}.png"))
    check_accessibility(browser, "trends")


def test_trends_period_picker_keyboard_and_csv(trends_desk, browser, shots):
    downloads = trends_desk.dir / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    sign_in(browser, trends_desk)
    open_trends(browser, trends_desk)
    picker = browser.find_element(By.CSS_SELECTOR, "select[name='period']")
    # Keyboard only: focus the picker and choose 8 weeks with the arrow keys.
    browser.execute_script("arguments[0].focus()", picker)
    picker.send_keys(Keys.UP)
    wait(browser, lambda b: b.execute_script("return document.body.dataset.trendsLoaded") == "8w")
    for chart in browser.find_elements(By.CSS_SELECTOR, "svg[data-chart]"):
        assert len(chart.find_elements(By.CSS_SELECTOR, "g.mark")) == 8
    # The CSV download is the API's own CSV of the same figures.
    button = browser.find_element(By.CSS_SELECTOR, "section#followups button.download")
    browser.execute_script("arguments[0].focus()", button)
    button.send_keys(" ")
    wait(browser, lambda b: any(p.suffix == ".csv" for p in downloads.iterdir()))
    written = next(p for p in downloads.iterdir() if p.suffix == ".csv").read_bytes().decode()
    assert written.startswith("week,due,done_on_time,done_late,overdue,pending\r\n")
    assert len(written.strip().split("\r\n")) == 9
    browser.save_screenshot(str(shots / "trends-8-weeks.png"))


def test_trends_on_a_phone_in_swedish_for_a_responder(trends_desk, shots):
    token = trends_desk.token("trends-phone", "responder", "r-rinkeby-fi1")
    phone = make_browser(360, 740, lang="sv-SE")
    try:
        phone.get(trends_desk.base + "/")
        field = wait(phone, EC.presence_of_element_located((By.CSS_SELECTOR, "input[name='token']")))
        field.send_keys(token + "\n")
        wait(phone, lambda b: b.execute_script("return document.body.dataset.boardLoaded"))
        open_trends(phone, trends_desk)
        assert phone.find_element(By.CSS_SELECTOR, "main h1").text == "Trender"
        assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
        # A responder of Rinkeby counts Rinkeby only.
        assert set(table_values(phone, "areas")) == {"rinkeby"}
        phone.save_screenshot(str(shots / "trends-phone-sv.png"))
        check_accessibility(phone, "trends at 360 px (sv)")
    finally:
        phone.quit()
