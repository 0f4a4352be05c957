"""Field staff in a real browser: headless Chromium (Debian's chromium and chromium-driver)
driven by selenium, against a running `census` server, with axe-core run on every kind of
staff page (the engines and checks of household_journey.py).

The story (issue 11, "Tests"):
  1. a supervisor signs in with a TOTP code and turns double keying on for all forms;
  2. a field keyer keys a paper return of three people with the keyboard alone: the household
     id, the number of person blocks, then every field in the page's tab order (which must be
     the page's own order), typing codes for choices, Enter on the save button;
  3. a second keyer keys the same form, blind, with one difference;
  4. the supervisor opens the form to settle, chooses the first keyer's value with the
     keyboard, and settles it;
and, for axe: a keying page with errors, the follow-up list, the household page, code reissue
and individual codes, changing one's password, and the administrator's accounts and audit log.

Usage: python3 staff_keying.py PLAN.json
  PLAN: {"base": URL, "household": ID, "other_household": ID,
         "keyer1": {"name", "password"}, "keyer2": {...},
         "supervisor": {"name", "password", "totp"}, "administrator": {...}}
  ("totp" is the base32 secret `census staff add` printed.)
Prints a JSON summary on standard output; exits 1 with the problems found on standard error.
"""

import base64
import hashlib
import hmac
import json
import os
import struct
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from household_journey import PAGE_FACTS, Browser, Report, next_page_loaded  # noqa: E402

from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402


def totp(secret, steps_ahead=0):
    """RFC 6238 (SHA-1, 6 digits, 30 s), as an authenticator app computes it."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int(time.time() // 30) + steps_ahead
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


class Failed(Exception):
    pass


# The fields of the keying form in document order (what Tab should visit), and the codes printed
# beside each choice question: {field name: {option label: code}}.
KEYING_FORM = r"""
const form = document.getElementById('keying-form');
const fields = Array.from(form.querySelectorAll('input:not([type=hidden]), textarea, select, button')).map(e => e.name || '(button)');
const codes = {};
for (const ol of form.querySelectorAll('ol.codes')) {
  const name = ol.id.replace(/-codes$/, '');
  codes[name] = {};
  for (const li of ol.querySelectorAll('li')) {
    const code = li.querySelector('.codes__code').innerText.trim();
    codes[name][li.innerText.replace(code, '').trim()] = code;
  }
}
return {fields, codes};
"""


class Staff:
    """One member of staff in their own Chromium, on the keyboard."""

    def __init__(self, who, plan, report):
        self.who = who
        self.base = plan["base"].rstrip("/")
        self.report = report
        self.browser = Browser(1280)
        self.width = 1280
        self.facts = {}
        self.visited = []

    @property
    def driver(self):
        return self.browser.driver

    def path(self):
        return self.facts.get("path") or urllib.parse.urlsplit(self.driver.current_url).path

    def fail(self, message):
        raise Failed("%s at %s: %s" % (self.who["name"], self.path(), message))

    def get(self, path):
        self.driver.get(self.base + path)
        self.arrived()

    def arrived(self):
        self.facts = self.driver.execute_script(PAGE_FACTS)
        self.visited.append(self.path())
        self.report.check_page(self)

    def keys(self, *keys):
        ActionChains(self.driver).send_keys(*keys).perform()

    def active(self):
        return self.driver.switch_to.active_element

    def tab_to(self, test, what, limit=120):
        """Presses Tab until the focused element passes `test`; returns it."""
        for _ in range(limit):
            element = self.active()
            if element is not None and test(element):
                return element
            self.keys(Keys.TAB)
        self.fail("Tab never reached %s" % what)

    def tab_to_id(self, ident):
        return self.tab_to(lambda e: e.get_attribute("id") == ident, "#" + ident)

    def enter(self):
        """Presses Enter and waits for the next page."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.keys(Keys.ENTER)
        if not next_page_loaded(self.driver, old):
            self.fail("the next page did not load within 30 s")
        self.arrived()

    def expect(self, path_prefix, text=None):
        if not self.path().startswith(path_prefix):
            self.fail("expected %s, at %s: %s" % (path_prefix, self.path(), self.facts.get("main", "")[:300]))
        if text is not None and text not in self.facts.get("main", ""):
            self.fail("expected %r on the page: %s" % (text, self.facts.get("main", "")[:400]))

    # MARK: Steps

    def sign_in(self):
        self.get("/staff/sign-in")
        self.tab_to_id("staff-name")
        self.keys(self.who["name"], Keys.TAB)
        if self.active().get_attribute("id") != "staff-password":
            self.fail("Tab from the name did not go to the password")
        self.keys(self.who["password"], Keys.TAB)
        if self.active().get_attribute("id") != "staff-code":
            self.fail("Tab from the password did not go to the one-time code")
        if self.who.get("totp"):
            self.keys(totp(self.who["totp"]))
        self.enter()
        self.expect("/staff", "You are signed in as %s" % self.who["name"])

    def open_keying_page(self, household, people):
        self.get("/staff/keying")
        self.tab_to_id("household-id")
        self.keys(household)
        self.enter()
        self.expect("/staff/keying/household", "Household %s" % household)
        self.tab_to_id("count-residents")
        self.keys(Keys.END, Keys.BACKSPACE * 4, str(people))
        self.enter()
        self.expect("/staff/keying/%s/form" % household)

    def key_fields(self, values):
        """Tabs through every field of the keying form, typing `values` (by field name; a
        choice by its option's label, typed as the code printed beside it), and presses Enter
        on the save button. Returns the names visited, in order."""
        form = self.driver.execute_script(KEYING_FORM)
        first = form["fields"][0]
        self.tab_to(lambda e: e.get_attribute("name") == first, "the first field of the keying form")
        visited = []
        for _ in range(len(form["fields"]) + 5):
            element = self.active()
            if element.tag_name == "button":
                break
            name = element.get_attribute("name")
            visited.append(name)
            if name in values:
                value = values[name]
                if name in form["codes"]:
                    if value not in form["codes"][name]:
                        self.fail("%s offers no %r: %s" % (name, value, form["codes"][name]))
                    value = form["codes"][name][value]
                self.keys(value)
            self.keys(Keys.TAB)
        if visited != form["fields"][:-1]:
            missing = [f for f in form["fields"][:-1] if f not in visited]
            self.fail("the tab order is not the page's order (%d of %d fields; first missing: %s)"
                      % (len(visited), len(form["fields"]) - 1, missing[:3]))
        self.enter()
        return visited


def people_values(sex_of_second):
    """A paper return of three people, by keying-field name."""
    people = [("Ann", "Jones", ("12", "5", "1980"), "Female"),
              ("Edith", "Jones", ("2", "1", "1947"), sex_of_second),
              ("Tom", "Jones", ("30", "9", "2013"), "Male")]
    values = {}
    for i, (first, last, (d, m, y), sex) in enumerate(people):
        values["residents.%d.first_name" % i] = first
        values["residents.%d.last_name" % i] = last
        values["residents.%d.dob-day" % i] = d
        values["residents.%d.dob-month" % i] = m
        values["residents.%d.dob-year" % i] = y
        values["residents.%d.sex" % i] = sex
    return values


def main():
    plan = json.load(open(sys.argv[1]))
    report = Report()
    out = {}
    sessions = []
    started = time.time()
    try:
        household = plan["household"]
        supervisor = Staff(plan["supervisor"], plan, report)
        sessions.append(supervisor)
        supervisor.sign_in()
        # Double keying for every form, chosen with the arrow keys.
        supervisor.get("/staff/double-keying")
        supervisor.tab_to_id("mode")
        supervisor.keys(Keys.ARROW_DOWN)
        if supervisor.active().get_attribute("id") != "mode-all":
            supervisor.fail("the arrow key did not choose 'All forms'")
        supervisor.tab_to(lambda e: e.tag_name == "button" and "Save the setting" in e.text, "the save button")
        supervisor.enter()
        supervisor.expect("/staff/double-keying", "Double keying is all forms")

        keyer1 = Staff(plan["keyer1"], plan, report)
        sessions.append(keyer1)
        keyer1.sign_in()
        keyer1.open_keying_page(household, 3)
        out["fields_keyed"] = len(keyer1.key_fields(people_values("Female")))
        keyer1.expect("/staff/keying", "First keying of %s saved" % household)

        # A keying page with errors (a code that is not an option): nothing is stored.
        keyer1.open_keying_page(plan["other_household"], 1)
        keyer1.key_fields({"residents.0.first_name": "Zoe", "residents.0.dob-day": "31", "residents.0.dob-month": "2",
                           "residents.0.dob-year": "1990"})
        if not keyer1.facts.get("errors"):
            keyer1.fail("a date that does not exist was not refused")
        keyer1.get("/staff/follow-up")

        keyer2 = Staff(plan["keyer2"], plan, report)
        sessions.append(keyer2)
        keyer2.sign_in()
        keyer2.open_keying_page(household, 3)
        if any(keyer2.driver.execute_script("return Array.from(document.querySelectorAll('#keying-form input:not([type=hidden]), #keying-form textarea'))"
                                         ".map(e => e.type === 'checkbox' || e.type === 'radio' ? (e.checked ? 'checked' : '') : e.value)")):
            keyer2.fail("the second keying page is not blank")
        keyer2.key_fields(people_values("Male"))
        keyer2.expect("/staff/keying", "Second keying of %s saved" % household)

        # The supervisor settles the one difference with the keyboard: the first keyer's value.
        supervisor.get("/staff/double-keying")
        supervisor.tab_to(lambda e: e.tag_name == "a" and e.text.startswith("Settle form"), "the form to settle")
        supervisor.enter()
        supervisor.expect("/staff/double-keying/", "differ in 1 fields")
        radio = supervisor.tab_to(lambda e: e.get_attribute("type") == "radio", "the first difference")
        out["difference"] = radio.get_attribute("name")
        supervisor.keys(Keys.SPACE)
        supervisor.tab_to(lambda e: e.tag_name == "button" and "Settle" in e.text, "the settle button")
        supervisor.enter()
        supervisor.expect("/staff/double-keying/", "settled")
        out["settled"] = supervisor.facts.get("main", "")[:400]
        supervisor.get("/staff/double-keying")
        out["error_rates"] = supervisor.facts.get("main", "")

        # The other staff pages, for axe.
        supervisor.get("/staff/keying/household?id=%s" % household)
        supervisor.get("/staff/households/%s/reissue" % household)
        supervisor.get("/staff/households/%s/individual" % household)
        supervisor.get("/staff/password")
        administrator = Staff(plan["administrator"], plan, report)
        sessions.append(administrator)
        administrator.sign_in()
        administrator.get("/staff/accounts")
        administrator.get("/staff/audit")
        out["visited"] = [s.visited for s in sessions]
    except Failed as e:
        report.problem(str(e))
    finally:
        for s in sessions:
            s.browser.quit()
    out["kinds_of_page"] = report.kinds
    out["problems"] = report.problems
    out["axe"] = [{"package": e["package"], "version": e["version"], "tags": e["tags"]} for e in report.engines]
    out["seconds"] = round(time.time() - started, 1)
    print(json.dumps(out, indent=1))
    if report.problems:
        sys.stderr.write("\n".join(report.problems) + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
