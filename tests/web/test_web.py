#!/usr/bin/python3
"""test_web.py - koppel-web in headless Chromium, against the running daemons

Run by tests/web/web.sh, which starts the simulators, the daemons and
koppel-web and passes in the environment: WEB_URL, WEB_MEMBER(_PASSWORD)
(a Linux user in the test's koppel group), WEB_OUTSIDER(_PASSWORD) (one
outside it), CFG, BIN, E2E_DIR, SS_URL and
SHOTS (the folder for the screenshots, docs/web).

Each step states a behaviour and prints PASS or FAIL; the run exits 1 when
one failed. The steps build on each other, in the order a bookkeeper
would go: log in, run, fix a dead letter, break and fix the shop login,
export, clear.

reload: a saved change is written to koppel.cfg and every daemon reloads
it; nothing is restarted, and the steps check that the change counts.
"""
import datetime
import http.client as httpclient
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

import openpyxl

URL = os.environ["WEB_URL"]
CFG = os.environ["CFG"]
BIN = os.environ["BIN"]
E2E_DIR = os.environ["E2E_DIR"]
SS_URL = os.environ["SS_URL"]
SHOTS = os.environ.get("SHOTS", "docs/web")
STARTED = []            # daemons this test started again: stopped at its end
failures = []


def step(name):
    """step - run a test step, print PASS/FAIL, keep going"""
    def wrap(fn):
        try:
            fn()
            print("PASS web: " + name, flush=True)
        except Exception as e:          # a failed step is reported, the run goes on
            failures.append(name)
            print("FAIL web: %s: %s: %s" % (name, type(e).__name__, e), flush=True)
            try:
                shot("failed-" + fn.__name__, keep=False)
            except Exception:
                pass
        return fn
    return wrap


def shot(name, keep=True):
    """shot - a screenshot of the whole page into SHOTS (or E2E_DIR for failures)"""
    folder = SHOTS if keep else E2E_DIR
    os.makedirs(folder, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(max(height, 700), 4000))
    driver.save_screenshot(os.path.join(folder, name + ".png"))
    driver.set_window_size(1400, 1000)


def wait_for(cond, seconds=20, what="condition"):
    """wait_for - until cond(driver) is true"""
    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.2).until(cond)
    except TimeoutException:
        raise AssertionError("waited %d s for %s" % (seconds, what))


def text(css):
    return driver.find_element(By.CSS_SELECTOR, css).text


def status():
    return text("#status")


def open_page(path):
    driver.get(URL + path)


def cookie_header():
    return "; ".join("%s=%s" % (c["name"], c["value"]) for c in driver.get_cookies())


def http(path, data=None):
    """http - a request with the browser's session cookie: (status, body bytes)"""
    req = urllib.request.Request(URL + path, data=data, headers={"Cookie": cookie_header()})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def post_raw(path, fields, cookie=""):
    """post_raw - a form POST as another site's form would send it: no
    redirect followed; (status, body text, Set-Cookie headers)"""
    u = urllib.parse.urlparse(URL)
    c = httpclient.HTTPConnection(u.hostname, u.port, timeout=60)
    c.request("POST", path, urllib.parse.urlencode(fields),
              {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    r = c.getresponse()
    out = (r.status, r.read().decode(), r.msg.get_all("Set-Cookie") or [])
    c.close()
    return out


def form_value(name):
    return driver.find_element(By.CSS_SELECTOR, "input[name='%s']" % name).get_attribute("value")


def login(user, password):
    open_page("/login")
    driver.find_element(By.ID, "user").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    button = driver.find_element(By.ID, "login")
    button.click()
    wait_for(staleness_of(button), 20, "the answer to Inloggen")


def log_texts():
    """log_texts - the log's texts, read at once (the page's script replaces the rows)"""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#log tbody td:nth-child(3)'))"
        ".map(function(t){return t.textContent;});")


def settings_page():
    open_page("/instellingen?profiel=voorbeeld")
    wait_for(lambda d: d.find_elements(By.ID, "save"), what="the settings form")


def save_settings():
    button = driver.find_element(By.ID, "save")
    button.click()
    wait_for(staleness_of(button), 30, "the answer to Opslaan")
    wait_for(lambda d: d.find_elements(By.ID, "notice") or d.find_elements(By.ID, "save-error"),
             30, "the answer to Opslaan")


opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--window-size=1400,1000", "--lang=nl-NL"):
    opts.add_argument(a)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
driver.set_page_load_timeout(60)


@step("the login page asks for a Linux user")
def login_page():
    open_page("/uitvoering")
    wait_for(lambda d: d.find_elements(By.ID, "login"), what="a redirect to the login")
    shot("inloggen")


@step("a user outside the koppel group is refused with the reason")
def outsider_refused():
    login(os.environ["WEB_OUTSIDER"], os.environ["WEB_OUTSIDER_PASSWORD"])
    assert "geen lid van de groep koppel" in text("#login-error"), text("#login-error")
    assert "koppel_session" not in cookie_header()


@step("a wrong password is refused")
def wrong_password():
    login(os.environ["WEB_MEMBER"], "niet-het-wachtwoord")
    assert "verkeerd wachtwoord" in text("#login-error"), text("#login-error")


@step("a login form without its token, or with a wrong one, is refused (login CSRF)")
def login_csrf_refused():
    user, password = os.environ["WEB_MEMBER"], os.environ["WEB_MEMBER_PASSWORD"]
    # another site's form: no pre-session cookie, no token, the right password
    code, body, cookies = post_raw("/login", {"user": user, "password": password})
    assert code == 403 and "inlogformulier komt niet van deze pagina" in body, (code, body[:300])
    assert not any(c.startswith("koppel_session=") for c in cookies), cookies
    # the browser's pre-session cookie, a wrong token
    open_page("/login")
    pre = [c for c in driver.get_cookies() if c["name"] == "koppel_login"][0]
    assert pre["httpOnly"] and pre.get("sameSite") == "Strict", pre
    token = form_value("csrf")
    code, body, cookies = post_raw("/login", {"user": user, "password": password,
                                              "csrf": "0" * 64},
                                   "koppel_login=" + pre["value"])
    assert code == 403 and "controlecode" in body, (code, body[:300])
    assert not any(c.startswith("koppel_session=") for c in cookies), cookies
    # the form's own token, without its cookie
    code, body, cookies = post_raw("/login", {"user": user, "password": password,
                                              "csrf": token})
    assert code == 403 and not any(c.startswith("koppel_session=") for c in cookies), code
    # the refusals are in koppel-web's log, and were not counted as wrong passwords
    log = open(os.path.join(E2E_DIR, "log", "web.log")).read()
    assert "the login form's token is missing or not the one of its pre-session cookie" in log


@step("a member of the koppel group logs in through PAM and sees Gereed")
def member_logs_in():
    login(os.environ["WEB_MEMBER"], os.environ["WEB_MEMBER_PASSWORD"])
    wait_for(lambda d: d.find_elements(By.ID, "status"), what="Uitvoering")
    assert status() == "Gereed", status()
    cookie = [c for c in driver.get_cookies() if c["name"] == "koppel_session"][0]
    assert cookie["httpOnly"] and cookie.get("sameSite") == "Strict", cookie


@step("Nu uitvoeren answers gestart, the status line shows Bezig, then Gereed with orders booked")
def run_now():
    driver.find_element(By.CSS_SELECTOR, ".run-now").click()
    wait_for(lambda d: text(".answer") in ("gestart", "is al bezig"), 10, "the answer")
    assert text(".answer") == "gestart", text(".answer")
    wait_for(lambda d: status().startswith("Bezig: profiel voorbeeld"), 30,
             "Bezig in the status line (it is %r)" % status())
    shot("uitvoering-bezig")
    wait_for(lambda d: status() == "Gereed" and
             sum("geboekt als verkoopfactuur" in t for t in log_texts()) >= 20, 120,
             "Gereed and the bookings in the log")
    booked = [t for t in log_texts() if "geboekt als verkoopfactuur" in t]
    assert any(", klant " in t and "EUR " in t for t in booked), booked[:3]
    assert not any("al eerder geboekt" in t for t in log_texts())
    shot("uitvoering")


@step("Uitgebreide informatie tonen adds the import's details")
def extended_view():
    driver.find_element(By.ID, "extended").click()
    wait_for(lambda d: any("Importeren gestart" in t for t in log_texts()), 10, "the details")
    assert driver.find_elements(By.CSS_SELECTOR, "#log tr.extended")
    driver.find_element(By.ID, "extended").click()
    wait_for(lambda d: not any("Importeren gestart" in t for t in log_texts()), 10, "basic view")


@step("Selecteren en kopiëren selects the whole log")
def copy_log():
    driver.find_element(By.ID, "copy").click()
    sel = driver.execute_script("return window.getSelection().toString()")
    assert "geboekt als verkoopfactuur" in sel, sel[:200]


@step("Niet geboekt shows order 5100 with the setting to fix, linked to Instellingen")
def dead_letter_listed():
    open_page("/niet-geboekt")
    row = driver.find_element(By.CSS_SELECTOR, "tr[data-id='voorbeeld:5100']")
    assert "grootboeken.omzet.eu.hoog" in row.text, row.text
    shot("niet-geboekt")
    row.find_element(By.CSS_SELECTOR, "a.fix").click()
    wait_for(lambda d: "/instellingen" in d.current_url and "#f-grootboeken" in d.current_url,
             10, "the link to the setting")
    assert driver.find_element(By.ID, "f-grootboeken.omzet.eu.hoog").is_displayed()


@step("a grootboek is chosen from the administration's own list and saved in koppel.cfg")
def choose_grootboek():
    settings_page()
    sel = Select(driver.find_element(By.ID, "f-grootboeken.omzet.eu.hoog"))
    labels = [o.text for o in sel.options]
    assert "8100 Omzet binnen EU hoog" in labels, labels[:8]
    assert not any(l.startswith("1300 ") for l in labels), "a balance account is offered"
    sel.select_by_value("8100")
    Select(driver.find_element(By.ID, "f-grootboeken.verzendkosten.eu.hoog")).select_by_value("8310")
    shot("instellingen")
    save_settings()
    assert text("#notice").startswith("Opgeslagen."), text("#notice")
    assert "Alle onderdelen werken nu met de nieuwe instellingen." in text("#notice"), \
        text("#notice")
    cfg = open(CFG).read()
    assert "eu = { laag = 8110; geen = 8120; overig = 8130; hoog = 8100; };" in cfg
    assert "# Grootboekrekeningen per kind, region and btw soort" in cfg, "comments lost"
    assert os.path.exists(CFG + ".bak") and "hoog = 8100" not in open(CFG + ".bak").read()
    assert (os.stat(CFG).st_mode & 0o777) == 0o600
    page = driver.page_source
    for secret in ("geheim-shop-wachtwoord", "geheime-client-key", "geheime-subscription-key"):
        assert secret not in page, "a secret is sent to the browser"
    assert "ingesteld" in driver.find_element(By.ID, "f-snelstart.client_key").get_attribute(
        "placeholder")


@step("Opnieuw books the dead letter with the new grootboek, without a restart")
def replay_dead_letter():
    open_page("/niet-geboekt")
    row = driver.find_element(By.CSS_SELECTOR, "tr[data-id='voorbeeld:5100']")
    row.find_element(By.CSS_SELECTOR, "button.replay").click()
    wait_for(lambda d: d.find_elements(By.ID, "notice"), 10, "the answer")
    assert "opnieuw uit de shop gelezen" in text("#notice"), text("#notice")
    open_page("/uitvoering")
    wait_for(lambda d: any(t.startswith("Order 5100 geboekt als verkoopfactuur 5100") for t in
                           log_texts()), 60, "order 5100 booked")
    row = [t for t in log_texts() if t.startswith("Order 5100 geboekt")][0]
    assert "EUR 121,00" in row and "<script>alert(1)</script>" in row, row
    try:
        driver.switch_to.alert
        raise AssertionError("a customer's name ran as a script")
    except NoAlertPresentException:
        pass
    booked = json.loads(urllib.request.urlopen(SS_URL + "/_sim/verkoopboekingen").read())
    assert "5100" in json.dumps(booked)
    open_page("/niet-geboekt")
    assert not driver.find_elements(By.CSS_SELECTOR, "tr[data-id='voorbeeld:5100']")


@step("Verbinding testen shows each check's line")
def connection_test():
    settings_page()
    driver.find_element(By.ID, "test").click()
    wait_for(lambda d: d.find_elements(By.ID, "checks"), 60, "the checks")
    lines = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#checks li")]
    assert len(lines) == 4, lines
    assert lines[0].startswith("Shop: in orde") and lines[2].startswith("SnelStart API: in orde"), lines
    assert lines[3].startswith("Grootboeken: in orde"), lines
    shot("verbinding-testen")


@step("a slow request does not hold another: Niet geboekt answers while Verbinding testen waits")
def slow_beside_fast():
    settings_page()
    csrf, cookie = form_value("csrf"), cookie_header()
    gc_pid, web_pid = int(os.environ["GC_PID"]), os.environ["WEB_PID"]
    gc_port = urllib.parse.urlparse(os.environ["GC_URL"]).port
    answer = {}

    def slow():
        answer["slow"] = post_raw("/instellingen/verbinding-testen",
                                  {"profiel": "voorbeeld", "csrf": csrf}, cookie)

    os.kill(gc_pid, signal.SIGSTOP)     # the shop answers nothing until SIGCONT
    try:
        t = threading.Thread(target=slow)
        t.start()
        # the slow request is in koppel-web's hands: it has a connection to the shop
        wait_for(lambda d: ("pid=%s," % web_pid) in subprocess.run(
            ["ss", "-tnpH", "state", "established", "( dport = :%d )" % gc_port],
            capture_output=True, text=True).stdout, 30, "koppel-web asking the shop")
        open_page("/niet-geboekt")
        wait_for(lambda d: d.find_elements(By.CSS_SELECTOR, "h1"), 30, "Niet geboekt")
        assert "Niet geboekt" in text("h1"), text("h1")
        assert t.is_alive() and "slow" not in answer, "the slow request ended first"
    finally:
        os.kill(gc_pid, signal.SIGCONT)
    t.join(120)
    assert not t.is_alive(), "Verbinding testen never answered"
    code, body, _ = answer["slow"]
    assert code == 200 and 'id="checks"' in body, (code, body[:300])


@step("two saves at once: each is written or told the file changed, none is lost")
def saves_at_once():
    settings_page()
    fields = {"profiel": "voorbeeld", "csrf": form_value("csrf"),
              "versie": form_value("versie")}
    cookie, answers = cookie_header(), {}
    before = open(CFG).read()

    def save(name, value):
        answers[name] = post_raw("/instellingen", dict(fields, **{name: value}), cookie)

    ts = [threading.Thread(target=save, args=a) for a in
          (("description", "Tegelijk opgeslagen"), ("booking.betalingstermijn", "21"))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    cfg = open(CFG).read()
    saved = {"description": 'description = "Tegelijk opgeslagen"' in cfg,
             "booking.betalingstermijn": "betalingstermijn = 21" in cfg}
    for name, (code, body, _) in answers.items():
        assert saved[name] or "intussen door iemand anders gewijzigd" in body, (name, code)
    assert any(saved.values()), answers
    # back as it was, for the steps after this one
    open(CFG + ".tmp", "w").write(before)
    os.chmod(CFG + ".tmp", 0o600)
    os.rename(CFG + ".tmp", CFG)
    subprocess.run([os.path.join(BIN, "koppelctl"), "--config", CFG, "reload"],
                   capture_output=True, timeout=60)


@step("an invalid field is refused with its message beside it, and the file is unchanged")
def invalid_field():
    before = open(CFG).read()
    settings_page()
    f = driver.find_element(By.ID, "f-shop.from_order")
    f.clear()
    f.send_keys("tienduizend")
    f = driver.find_element(By.ID, "f-customers.payment_term")
    f.clear()
    f.send_keys("-5")
    save_settings()
    assert "Niet opgeslagen" in text("#save-error")
    assert "geheel getal" in text("#err-shop\\.from_order"), text("#err-shop\\.from_order")
    assert "payment_term: moet een getal van 0 tot en met 999 zijn (niet -5)" \
        in text("#err-customers\\.payment_term"), text("#err-customers\\.payment_term")
    assert driver.find_element(By.ID, "f-shop.from_order").get_attribute("value") == "tienduizend"
    shot("instellingen-fout")
    assert open(CFG).read() == before


@step("a form sent without its CSRF token is refused")
def csrf_refused():
    code, body = http("/uitvoeren", urllib.parse.urlencode({"profiel": "voorbeeld"}).encode())
    assert code == 403 and "controlecode" in body.decode(), (code, body[:200])
    code, body = http("/instellingen", urllib.parse.urlencode(
        {"profiel": "voorbeeld", "csrf": "0" * 64, "description": "x"}).encode())
    assert code == 403, code
    assert 'description = "x"' not in open(CFG).read()


@step("a wrong Globecharge password stops the profile: Gestopt with the reason")
def wrong_shop_password():
    settings_page()
    driver.find_element(By.ID, "f-shop.password").send_keys("een-fout-wachtwoord")
    save_settings()
    assert text("#notice").startswith("Opgeslagen.")
    open_page("/uitvoering")
    driver.find_element(By.CSS_SELECTOR, ".run-now").click()
    wait_for(lambda d: status().startswith("Gestopt:"), 40, "Gestopt (status %r)" % status())
    assert "Globecharge weigert de inloggegevens" in status(), status()
    # the information log says in Dutch whose login and where to correct it
    want = ("Importeren mislukt: Globecharge weigert gebruikersnaam winkelier: verkeerde "
            "gebruikersnaam of wachtwoord; controleer de gebruikersnaam en het wachtwoord bij "
            "Instellingen > Koppeling shop")
    wait_for(lambda d: any(t.startswith(want) for t in log_texts()), 20,
             "the refused login in the log (%r)" % log_texts()[:3])
    assert not any("een-fout-wachtwoord" in t for t in log_texts())
    shot("gestopt")


@step("the right password again: the profile resumes without a restart")
def right_shop_password():
    settings_page()
    driver.find_element(By.ID, "f-shop.password").send_keys("geheim-shop-wachtwoord")
    save_settings()
    open_page("/uitvoering")
    driver.find_element(By.CSS_SELECTOR, ".run-now").click()
    wait_for(lambda d: status() == "Gereed" and "gestart" in text(".answer"), 60,
             "Gereed again (status %r)" % status())


@step("Exporteren naar Excel gives a workbook with real date cells")
def export_excel():
    open_page("/uitvoering")
    href = driver.find_element(By.ID, "export").get_attribute("href")
    code, body = http(href[len(URL):])
    assert code == 200 and body[:2] == b"PK", code
    path = os.path.join(E2E_DIR, "informatie.xlsx")
    open(path, "wb").write(body)
    ws = openpyxl.load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) > 20, len(rows)
    assert isinstance(rows[1][0], datetime.datetime), rows[1]
    assert any("Order 5100 geboekt" in (r[5] or "") for r in rows)


def add_profile(name, description, url):
    """add_profile - Profielen, Toevoegen (a Globecharge shop); on the answer"""
    open_page("/profielen")
    driver.find_element(By.ID, "f-new-name").send_keys(name)
    driver.find_element(By.ID, "f-new-description").send_keys(description)
    driver.find_element(By.ID, "f-new-url").send_keys(url)
    driver.find_element(By.ID, "add").click()
    wait_for(lambda d: d.find_elements(By.ID, "notice"), 20, "the answer")


def remove_profile(name):
    """remove_profile - Verwijderen and the confirmation; on the answer"""
    open_page("/profielen/verwijderen?profiel=" + name)
    driver.find_element(By.ID, "confirm").click()
    wait_for(lambda d: d.find_elements(By.ID, "notice"), 20, "the answer")


@step("Profielen adds a profile with its description, and removes it after a confirmation")
def profiles():
    add_profile("tweede", "Tweede winkel (www.tweede.nl)", "https://www.tweede.nl/webshop")
    assert "Profiel tweede toegevoegd" in text("#notice"), text("#notice")
    assert "Tweede winkel (www.tweede.nl)" in text("#profiles")
    shot("profielen")
    open_page("/instellingen?profiel=tweede")
    assert "Instellingen: tweede" in text("h1")
    remove_profile("tweede")
    assert "Profiel tweede verwijderd" in text("#notice"), text("#notice")
    assert "tweede" not in text("#profiles")
    assert 'name = "voorbeeld"' in open(CFG).read()


@step("a new profile's platform is changed in Instellingen: the other fields appear, it is saved")
def platform_changed():
    add_profile("derde", "Derde winkel", "https://www.derde.nl")
    assert "Profiel derde toegevoegd" in text("#notice"), text("#notice")
    open_page("/instellingen?profiel=derde")
    assert driver.find_element(By.ID, "f-shop.username").is_displayed()
    assert not driver.find_element(By.ID, "f-shop.consumer_key").is_displayed()
    Select(driver.find_element(By.ID, "f-shop.type")).select_by_value("woocommerce")
    assert driver.find_element(By.ID, "f-shop.consumer_key").is_displayed()
    assert not driver.find_element(By.ID, "f-shop.username").is_displayed()
    driver.find_element(By.ID, "f-shop.consumer_key").send_keys("ck_derde")
    driver.find_element(By.ID, "f-shop.consumer_secret").send_keys("cs_derde")
    shot("instellingen-platform")
    save_settings()
    assert text("#notice").startswith("Opgeslagen."), text("#notice")
    assert Select(driver.find_element(By.ID, "f-shop.type")).first_selected_option.text \
        == "WooCommerce"
    assert driver.find_element(By.ID, "f-shop.consumer_key").is_displayed()
    cfg = open(CFG).read()
    derde = cfg[cfg.index('name = "derde"'):]
    assert 'type = "woocommerce"' in derde and 'consumer_key = "ck_derde"' in derde, derde
    assert "username" not in derde and "password" not in derde.split("snelstart")[0], derde
    assert "ck_derde" not in driver.page_source, "a secret is sent to the browser"
    remove_profile("derde")


@step("the platform of a profile whose orders were read is not changed, with the reason")
def platform_refused():
    before = open(CFG).read()
    settings_page()
    Select(driver.find_element(By.ID, "f-shop.type")).select_by_value("woocommerce")
    driver.find_element(By.ID, "f-shop.consumer_key").send_keys("ck_voorbeeld")
    driver.find_element(By.ID, "f-shop.consumer_secret").send_keys("cs_voorbeeld")
    save_settings()
    assert "Niet opgeslagen" in text("#save-error")
    assert "al orders van deze shop gelezen" in text("#err-shop\\.type"), \
        text("#err-shop\\.type")
    assert "nieuw profiel" in text("#err-shop\\.type")
    shot("instellingen-platform-geweigerd")
    assert open(CFG).read() == before


@step("Laten vallen asks first, and the drop is in the information log")
def drop_dead_letter():
    # a dead letter to drop: order 5101, an amount koppel cannot read
    xml = open("tests/web/eu_order.xml").read().replace("NUMBER", "5101").replace(
        "<total>114.95</total>", "<total>114,95</total>")
    gc = os.environ.get("GC_URL")
    urllib.request.urlopen(urllib.request.Request(gc + "/_sim/orders", data=xml.encode(),
                                                  method="PUT"))
    open_page("/uitvoering")
    driver.find_element(By.CSS_SELECTOR, ".run-now").click()
    wait_for(lambda d: any("5101" in t for t in log_texts()), 60, "5101 in the log")
    open_page("/niet-geboekt")
    row = driver.find_element(By.CSS_SELECTOR, "tr[data-id='voorbeeld:5101']")
    row.find_element(By.CSS_SELECTOR, "a.drop").click()
    assert "Weet u zeker" in text("main")
    driver.find_element(By.ID, "confirm").click()
    wait_for(lambda d: d.find_elements(By.ID, "notice"), 10, "the answer")
    assert "losgelaten" in text("#notice"), text("#notice")
    open_page("/uitvoering")
    assert any("order 5101 laten vallen" in t and os.environ["WEB_MEMBER"] in t
               for t in log_texts()), log_texts()[:5]


@step("Leegmaken asks first, then empties the log")
def clear_log():
    open_page("/uitvoering")
    driver.find_element(By.ID, "clear").click()
    assert "Weet u zeker" in text("main")
    driver.find_element(By.ID, "confirm").click()
    wait_for(lambda d: d.find_elements(By.ID, "log"), 10, "Uitvoering")
    texts = log_texts()
    assert len(texts) == 1 and "leeggemaakt" in texts[0], texts


@step("after five wrong passwords even the right one is refused for a while")
def lockout():
    driver.delete_all_cookies()
    for _ in range(5):
        login(os.environ["WEB_MEMBER"], "fout")
    login(os.environ["WEB_MEMBER"], os.environ["WEB_MEMBER_PASSWORD"])
    assert "Te veel mislukte pogingen" in text("#login-error"), text("#login-error")


driver.quit()
for p in STARTED:
    p.terminate()
    p.wait(10)
print("web: %d failed" % len(failures))
sys.exit(1 if failures else 0)
