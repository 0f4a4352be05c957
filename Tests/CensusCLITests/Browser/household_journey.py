"""Households answer the census in a real browser: headless Chromium (Debian's chromium and
chromium-driver) driven by selenium, against a running `census` server, with axe-core (as
bundled in axe-selenium-python) run on every kind of page.

The driver knows the household it is answering (names, dates of birth, a few chosen answers,
keyed by the form's question ids, which are the field names the server renders from the
schema), and nothing of the form's pages: on each page it reads what the page shows (its
fields, their types, labels and options) and answers that. A question it has no answer for
gets a plausible one by its type (the first option, a number, a date, a line of text); a page
that refuses such a guess gets it taken back (optional questions may be left blank).

Journeys:
  english  a household of three on a phone (320 px wide): a wrong access code first, the
           right one typed loosely, a word for a number, a person added by mistake
           and removed, a date that does not exist, a warning, a confirmation (a person aged
           104), a resume in a fresh browser profile half-way, a change from check your answers
           that reroutes, submit, and the pages after submission (answers no longer shown, not
           found).
  welsh    a household of one in Welsh at desktop width, answered with the keyboard alone
           (Tab, arrow keys, Space, Enter), checking that focus is always visible.
  visitors a household of two unrelated adults and an overnight visitor, in Welsh on a phone
           (320 px wide): the relationship answered with the "unrelated to everyone"
           shortcut, the visitor listed and their own questions answered.
  any      any form, answered from what its pages show (used with the constructs form:
           content pages, definitions, "anyone else?" lists, number details, "none" boxes,
           text areas).

Every page: axe-core's WCAG 2.0/2.1 A and AA rules on each new kind of page (its route, what
it shows, its language; the axe-core of axe-selenium-python, and that of axe-core-python where
it is installed, see `axe_engines`), no sideways scrolling at the journey's width, a title, no console
error, the language chosen.

Usage: python3 household_journey.py PLAN.json
  PLAN: {"base": URL, "codes": [three codes], "constructs_base": URL, "constructs_code": CODE,
         "journeys": ["english", "welsh", "visitors", "any"] (optional: which to run)}
Prints a JSON summary (receipts, pages, axe runs by kind of page, seconds) on standard output;
exits 1 with the problems found on standard error.
"""
import json
import re
import shutil
import signal
import sys
import tempfile
import time
import urllib.parse

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

# axe-core rules tagged with these are the WCAG 2.0 and 2.1 A and AA success criteria.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# What a page shows, read in one call: its questions (grouped from the form's fields), the
# kinds of component on it, its warnings and error summary, and whether it scrolls sideways.
PAGE_FACTS = r"""
const main = document.querySelector('main');
const forms = main ? main.querySelectorAll('form[method=post]') : [];
const form = forms.length ? forms[forms.length - 1] : null;
const text = e => e ? e.innerText.trim() : '';
const questions = [], seen = new Set();
const byName = n => Array.from(form.querySelectorAll('[name="' + CSS.escape(n) + '"]'));
const part = e => ({id: e.id, name: e.name, value: e.value});
for (const el of form ? form.querySelectorAll('input:not([type=hidden]), textarea') : []) {
  const name = el.name;
  if (!name || seen.has(name)) continue;
  const type = el.tagName === 'TEXTAREA' ? 'textarea' : el.type;
  const legend = text(el.closest('fieldset') && el.closest('fieldset').querySelector('legend'));
  if (type === 'radio' || type === 'checkbox') {
    if (name.endsWith('-none')) continue;   // the "none" box of the text before it
    seen.add(name);
    const boxes = byName(name);
    questions.push({name, kind: type, label: legend, ids: boxes.map(b => b.id), values: boxes.map(b => b.value),
                    checked: boxes.filter(b => b.checked).map(b => b.value)});
    continue;
  }
  if (/-[a-z0-9_]+-detail$/.test(name)) continue;   // a "please specify" box, filled with its option
  let m = name.match(/^(.*)-(day|line1)$/), base = m ? m[1] : null, kind = m ? (m[2] === 'day' ? 'date' : 'address') : null;
  if (!m && name.endsWith('-month') && form.querySelector('[name="' + CSS.escape(name.slice(0, -6) + '-year') + '"]')) {
    base = name.slice(0, -6); kind = 'month_year';
  }
  if (base !== null) {
    const re = new RegExp('^' + base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '-(day|month|year|line\\d|town|postcode|country)$');
    const parts = Array.from(form.querySelectorAll('input')).filter(e => re.test(e.name));
    parts.forEach(p => seen.add(p.name));
    questions.push({name: base, kind, label: legend, parts: parts.map(part)});
    continue;
  }
  if (/-(month|year|line\d|town|postcode|country)$/.test(name)) continue;
  seen.add(name);
  const label = document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
  const none = form.querySelector('[name="' + CSS.escape(name + '-none') + '"]');
  questions.push({name, kind: type === 'textarea' ? 'textarea' : 'text', label: text(label), parts: [part(el)],
                  numeric: ['numeric', 'decimal'].includes(el.getAttribute('inputmode')),
                  none: none ? {id: none.id, checked: none.checked} : null});
}
const q = s => main !== null && main.querySelector(s) !== null;
const shows = [];
for (const [k, s] of [['radios', '.radios'], ['checkboxes', '.checkboxes'], ['date', '.date-input'],
    ['text', 'input.input[type=text]'], ['textarea', 'textarea'], ['datalist', 'datalist'], ['specify', '.specify'],
    ['details', 'details'], ['errors', '.error-summary'], ['warning', '.notification--warning'],
    ['list', '.summary-list'], ['panel', '.panel'], ['descriptions', '.option-hint'], ['none-box', '.radios__divider + .checkboxes__item']])
  if (q(s)) shows.push(k);
const w = document.documentElement.clientWidth;
const overflow = document.documentElement.scrollWidth <= w ? null :
  [document.documentElement.scrollWidth, w, Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > w + 0.5).slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className)];
const button = form ? (form.querySelector('button[value=continue]') || form.querySelector('button[type=submit]')) : null;
return {url: location.href, path: location.pathname, query: location.search, lang: document.documentElement.lang, title: document.title,
        questions, shows: shows.join(','), overflow, main: text(main).slice(0, 600),
        errors: text(document.querySelector('.error-summary')) || null,
        errorLinks: Array.from(document.querySelectorAll('.error-summary a')).map(a => a.getAttribute('href').replace(/^#/, '')),
        warnings: Array.from(document.querySelectorAll('main .notification--warning, main .tag-warning')).map(text),
        button: button ? text(button) : null, hasForm: form !== null};
"""

# The tab stops from the focused element to `target`, as the browser moves through them: links,
# buttons, fields and summaries that can be seen, one stop per radio group (its checked
# radio, or the first).
TAB_DISTANCE = r"""
const target = arguments[0];
const visible = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
const all = Array.from(document.querySelectorAll('a[href], button, input:not([type=hidden]), textarea, select, summary, [tabindex]'))
  .filter(e => !e.disabled && e.tabIndex >= 0 && (visible(e) || (e.type === 'radio' || e.type === 'checkbox')))
  .filter(e => {
    if (e.type !== 'radio') return true;
    const group = Array.from(document.querySelectorAll('input[type=radio][name="' + CSS.escape(e.name) + '"]'));
    const checked = group.find(r => r.checked);
    return e === (checked || group[0]);
  });
const from = all.indexOf(document.activeElement);
const to = all.indexOf(target);
return to < 0 ? null : to - from;
"""


class JourneyFailed(Exception):
    pass


def next_page_loaded(driver, old_html, seconds=30):
    """Waits until the page whose <html> element is `old_html` has been replaced by a new page
    that has finished loading; False if that takes more than `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            old_html.tag_name
        except WebDriverException:
            if driver.execute_script("return document.readyState") == "complete":
                return True
        time.sleep(0.02)
    return False


class Either:
    """An answer given as whichever of these options the question offers (forms word the same
    answer differently: "no" to a yes/no question, "none" among a list of kinds)."""

    def __init__(self, *values):
        self.values = values

    def pick(self, offered):
        return next((v for v in self.values if v in offered), self.values[0])


class Browser:
    """One Chromium with its own, fresh profile (a temporary user-data-dir, removed at quit)."""

    def __init__(self, width, height=900):
        self.profile = tempfile.mkdtemp(prefix="census-chromium-")
        options = webdriver.ChromeOptions()
        for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--user-data-dir=" + self.profile, "--window-size=%d,%d" % (max(width, 500), height),
                    "--lang=en-GB", "--no-first-run", "--disable-extensions"]:
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if binary:
            options.binary_location = binary
        service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(60)
        if width < 500:
            # A phone: headless windows are not narrower than 500 px, so the viewport is emulated.
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                        {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True})

    def quit(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


class Journey:
    """Walks one household through the pages, checking each page as it arrives."""

    def __init__(self, name, base, household, language, report, width=1280, keyboard=False):
        self.name = name
        self.base = base.rstrip("/")
        self.household = household
        self.language = language
        self.keyboard = keyboard
        self.width = width
        self.report = report
        self.browser = Browser(width)
        self.facts = {}
        self.pages = 0
        self.visited = []
        self.labels = {}       # question id -> the label it was asked with (rows of check your answers)
        self.warnings = []     # (path, text) of every warning shown
        self.confirmations = []
        self.shortcuts = []    # the text of every "unrelated to everyone" button pressed
        self.members = {}      # (roster, member id) -> the planned person
        self.focus_checked = set()
        self.tried_wrong = set()  # pages where a wrong answer was tried first
        self.word_for_a_number = False
        self.number_as_word = None  # the page where a number was given as a word

    @property
    def driver(self):
        return self.browser.driver

    def path(self):
        return self.facts.get("path") or urllib.parse.urlsplit(self.driver.current_url).path

    def fail(self, message):
        raise JourneyFailed("%s journey at %s: %s" % (self.name, self.path(), message))

    # MARK: Pages

    def get(self, path):
        self.driver.get(self.base + path)
        self.arrived()

    def arrived(self):
        """Reads and checks the page just loaded."""
        self.facts = self.driver.execute_script(PAGE_FACTS)
        self.pages += 1
        self.visited.append(self.path())
        self.report.check_page(self)
        for text in self.facts["warnings"]:
            self.warnings.append((self.path(), text))
        if self.path().startswith("/form") and self.facts["lang"] != self.language:
            self.fail("the page is in %r, not %r" % (self.facts["lang"], self.language))

    def submit(self):
        """Presses the page's main button (Enter on it, with the keyboard) and waits for the next page."""
        button = self.driver.find_element(By.CSS_SELECTOR, "main form[method=post]:last-of-type button[value=continue], "
                                                           "main form[method=post]:last-of-type button[type=submit]")
        self.press(button)

    def press(self, element):
        old = self.driver.find_element(By.TAG_NAME, "html")
        if self.keyboard:
            self.tab_to(element)
            ActionChains(self.driver).send_keys(Keys.ENTER).perform()
        else:
            element.click()
        if not next_page_loaded(self.driver, old):
            self.fail("the next page did not load within 30 s")
        self.arrived()

    def link(self, selector):
        found = self.driver.find_elements(By.CSS_SELECTOR, selector)
        if not found:
            self.fail("no link %s" % selector)
        return found[0]

    # MARK: Keyboard

    def tab_to(self, target):
        """Presses Tab until `target` has focus: as many as the page's tab stops say, then one
        at a time if that was not right."""
        distance = self.driver.execute_script(TAB_DISTANCE, target)
        if distance is not None and distance > 0:
            ActionChains(self.driver).send_keys(Keys.TAB * distance).perform()
        for _ in range(60):
            active = self.driver.switch_to.active_element
            if active == target:
                self.check_focus_visible(active)
                return
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
        self.fail("Tab never reached %s %s" % (target.tag_name, target.get_attribute("name") or target.text))

    def check_focus_visible(self, element):
        """The focused element looks different from when it is not focused (its outline, box
        shadow, background or border, or those of its label's box for a radio or checkbox)."""
        kind = self.driver.execute_script("const e = arguments[0]; return [e.tagName, e.type || '', e.className].join(' ')", element)
        if kind in self.focus_checked:
            return
        self.focus_checked.add(kind)
        look = """
            const e = arguments[0];
            const box = (e.type === 'radio' || e.type === 'checkbox') && e.labels && e.labels[0]
              ? getComputedStyle(e.labels[0], '::before') : getComputedStyle(e);
            return [box.outlineStyle, box.outlineColor, box.outlineWidth, box.boxShadow, box.backgroundColor,
                    box.borderColor, box.borderWidth, box.color, box.textDecorationLine].join('|');"""
        focused = self.driver.execute_script(look, element)
        self.driver.execute_script("arguments[0].blur()", element)
        blurred = self.driver.execute_script(look, element)
        self.driver.execute_script("arguments[0].focus()", element)
        if focused == blurred:
            self.report.problem("%s: focus is not visible on %s" % (self.path(), kind))

    # MARK: Answering what a page shows

    def answer(self, answers, redo=()):
        """Fills the page's fields from `answers` (question id -> value), guessing the rest
        (and those in `redo` even if they show an answer); returns the names guessed."""
        guessed = set()
        for q in self.facts["questions"]:
            self.labels.setdefault(q["name"].split("--")[0], q["label"])
            if q["name"] in answers:
                value = answers[q["name"]]
            else:
                value = self.guess(q, q["name"] in redo)
                if value is None:
                    continue
                guessed.add(q["name"])
            self.fill(q, value)
        return guessed

    @staticmethod
    def guess(q, redo=False):
        """A plausible answer to a question the plan does not answer (none if it has one)."""
        kind = q["kind"]
        if kind in ("radio", "checkbox"):
            if q["checked"] and not redo:
                return None
            return q["values"][0] if kind == "radio" else [q["values"][0]]
        if (any(p["value"] for p in q["parts"]) or (q.get("none") or {}).get("checked")) and not redo:
            return None
        return {"text": "3" if q.get("numeric") else "Example answer", "textarea": "An example answer\nover two lines",
                "date": ("15", "6", "1990"), "month_year": ("6", "2015"),
                "address": {"line1": "1 Example Street", "town": "Exampletown", "postcode": "EX1 1AA", "country": "France"}}[kind]

    @staticmethod
    def blank(q):
        return {"radio": None, "checkbox": [], "date": ("", "", ""), "month_year": ("", ""), "address": {}}.get(q["kind"], "")

    def fill(self, q, value):
        kind, name = q["kind"], q["name"]
        if isinstance(value, Either):
            value = value.pick(q.get("values", []))
            value = [value] if kind == "checkbox" else value
        if kind == "radio":
            if value is None:
                return
            chosen, detail = value if isinstance(value, tuple) else (value, None)
            if chosen not in q["values"]:
                self.fail("%s has no option %r (it offers %s)" % (name, chosen, q["values"]))
            index = q["values"].index(chosen)
            if self.keyboard:
                self.keyboard_choose(q, index)
            elif chosen not in q["checked"]:
                self.tap(q["ids"][index])
            if detail is not None:
                self.type_into(self.driver.find_element(By.NAME, "%s-%s-detail" % (name, chosen)), detail)
        elif kind == "checkbox":
            wanted = value if isinstance(value, list) else [value]
            for box_id, v in zip(q["ids"], q["values"]):
                if (v in wanted) != (v in q["checked"]):
                    self.tap(box_id)
        elif kind in ("text", "textarea"):
            box = self.driver.find_element(By.ID, q["parts"][0]["id"])
            if value == "NONE" and q.get("none"):
                self.type_into(box, "", q["parts"][0]["value"])
                if not q["none"]["checked"]:
                    self.tap(q["none"]["id"])
            else:
                if (q.get("none") or {}).get("checked"):
                    self.tap(q["none"]["id"])
                self.type_into(box, value, q["parts"][0]["value"])
        elif kind in ("date", "month_year"):
            for part, v in zip(q["parts"], value):
                self.type_into(self.driver.find_element(By.ID, part["id"]), v, part["value"])
        elif kind == "address":
            for part in q["parts"]:
                key = part["name"][len(name) + 1:]
                self.type_into(self.driver.find_element(By.ID, part["id"]), value.get(key, ""), part["value"])

    def tap(self, box_id):
        """Ticks or unticks a radio or checkbox: Space on it with the keyboard, else a tap on its label."""
        if self.keyboard:
            self.tab_to(self.driver.find_element(By.ID, box_id))
            ActionChains(self.driver).send_keys(Keys.SPACE).perform()
        else:
            self.driver.find_element(By.CSS_SELECTOR, "label[for='%s']" % box_id).click()

    def keyboard_choose(self, q, index):
        """Radios with the keyboard: Tab into the group, Space checks the focused radio, the
        arrow keys move to and check the one wanted."""
        at = q["values"].index(q["checked"][0]) if q["checked"] else 0
        self.tab_to(self.driver.find_element(By.ID, q["ids"][at]))
        keys = "" if q["checked"] else Keys.SPACE
        keys += (Keys.ARROW_DOWN if index > at else Keys.ARROW_UP) * abs(index - at)
        if keys:
            ActionChains(self.driver).send_keys(keys).perform()
        if not self.driver.find_element(By.ID, q["ids"][index]).is_selected():
            self.fail("the arrow keys did not choose option %d of %s" % (index + 1, q["name"]))

    def type_into(self, element, value, current=None):
        if current == value:
            return
        if self.keyboard:
            self.tab_to(element)
            keys = ActionChains(self.driver)
            if current:
                keys.key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(Keys.DELETE)
            if value:
                keys.send_keys(value)
            keys.perform()
        else:
            if current:
                element.clear()
            if value:
                element.send_keys(value)

    def answer_and_continue(self, answers):
        """Answers the page and goes on; a page that refuses only guesses gets them taken back.
        An answer under "_first_try" is given first, and must be refused with a message linked
        to its field (the page's error state)."""
        here = self.path()
        wrong = {name: v for name, v in answers.get("_first_try", {}).items() if any(q["name"] == name for q in self.facts["questions"])}
        numbers = {q["name"]: "two" for q in self.facts["questions"] if q.get("numeric")}
        if self.word_for_a_number and numbers and not self.number_as_word:
            # The first number the form asks for is given as a word first.
            wrong.update(numbers)
            self.number_as_word = here
        if wrong and here not in self.tried_wrong:
            self.tried_wrong.add(here)
            self.answer(dict(answers, **wrong))
            self.submit()
            linked = {re.sub(r"-(day|month|year|line\d|none)$", "", link) for link in self.facts["errorLinks"]}
            if self.path() != here or not set(wrong) <= linked:
                self.fail("%s was not refused with a message linked to its field" % wrong)
        guessed = self.answer(answers, redo=wrong)
        self.submit()
        if self.path() == here and self.facts["errors"]:
            refused = {re.sub(r"-(day|month|year|line\d|none)$", "", link) for link in self.facts["errorLinks"]}
            if refused and refused <= guessed:
                for q in self.facts["questions"]:
                    if q["name"] in refused:
                        self.fill(q, self.blank(q))
                self.submit()
            if self.path() == here and self.facts["errors"]:
                self.fail("the page refused the answers %s: %s" % (answers, self.facts["errors"]))

    # MARK: The household's journey

    def sign_in(self, code_as_typed):
        if self.path() != "/":
            self.get("/")
        self.press(self.link("main a.button--start"))
        if self.path() != "/sign-in":
            self.fail("the start button did not lead to the access code page")
        self.type_into(self.driver.find_element(By.NAME, "accessCode"), code_as_typed, "")
        self.submit()

    def choose_language(self):
        if self.path() != "/language":
            self.fail("signing in did not ask for the language")
        self.fill(next(q for q in self.facts["questions"] if q["name"] == "language"), self.language)
        self.submit()
        if self.facts["lang"] != self.language:
            self.fail("the page after choosing %s is in %r" % (self.language, self.facts["lang"]))

    def member_answers(self, roster, member_id):
        """The plan's person behind a member id (ids are stable: learnt from the list's links)."""
        person = self.members.get((roster, member_id))
        if person is None:
            self.fail("member %s of %s was never seen on its list" % (member_id, roster))
        answers = dict(person)
        # Relationships are planned by first name; the page names its fields "relationship--m1".
        for other, value in person.get("relationships", {}).items():
            for (r, mid), p in self.members.items():
                if r == roster and display_name(p).split()[0] == other:
                    answers["relationship--" + mid] = value
        return answers

    def unrelated_to_everyone(self):
        """A relationship screen answered with its "unrelated to everyone" shortcut, which must
        move on (the secondary button; no field filled in)."""
        here = self.path()
        buttons = self.driver.find_elements(By.CSS_SELECTOR, "main button[name=action][value=unrelated]")
        if not buttons:
            self.fail("the relationship screen %s has no 'unrelated to everyone' shortcut" % here)
        self.shortcuts.append(buttons[0].text.strip())
        self.press(buttons[0])
        if self.path() == here:
            self.fail("the 'unrelated to everyone' shortcut did not move on: %s" % (self.facts["errors"] or self.facts["main"][:200]))

    def member_pages(self):
        return len({p for p in self.visited if p.startswith("/form/member/")})

    def walk(self, until=None, limit=400):
        """Answers pages until check your answers (or until `until(path)` says to stop)."""
        for _ in range(limit):
            path = self.path()
            if (until and until(path)) or path in ("/form/check-answers", "/form/done"):
                return
            parts = path.strip("/").split("/")
            if parts[:2] == ["form", "page"]:
                self.answer_and_continue(self.household)
            elif parts[:2] == ["form", "relationships"] and self.member_answers(parts[2], parts[3]).get("unrelated"):
                self.unrelated_to_everyone()
            elif parts[:2] in (["form", "member"], ["form", "relationships"]):
                self.answer_and_continue(self.member_answers(parts[2], parts[3]))
            elif parts[:2] == ["form", "confirm"]:
                self.confirmations.append(self.facts["main"])
                self.answer_and_continue({"confirm": "yes"})
            elif parts[:2] == ["form", "list"] and len(parts) == 3:
                self.roster_list(parts[2])
            else:
                self.fail("no way on from here: %s" % self.facts["main"][:300])
        self.fail("did not reach check your answers within %d pages" % limit)

    def listed(self, roster):
        """The list's members: (the planned person, their change link, their remove link)."""
        out = []
        for key in self.driver.find_elements(By.CSS_SELECTOR, "main .summary-list dt"):
            name = key.text.strip()
            links = key.find_elements(By.XPATH, "following-sibling::dd[position() <= 2]//a")
            change = next(a for a in links if a.get_attribute("href").endswith("/change"))
            remove = next(a for a in links if a.get_attribute("href").endswith("/remove"))
            words = set(re.findall(r"\w+", name))
            person = next((p for p in self.household.get(roster, []) if set(re.findall(r"\w+", display_name(p))) <= words), None)
            if person is None:
                self.fail("the list shows %r, who was never added" % name)
            self.members[(roster, change.get_attribute("href").split("/")[-2])] = person
            out.append((person, change, remove))
        return out

    def roster_list(self, roster):
        """A list screen: adds the plan's people one by one (removing anyone added by mistake),
        then goes on."""
        for person, _, remove in self.listed(roster):
            if person.get("remove"):
                self.press(remove)
                self.answer_and_continue({"remove": "yes"})
                if any(p is person for p, _, _ in self.listed(roster)):
                    self.fail("removing %s left them on the list" % display_name(person))
                return
        waiting = [p for p in self.household.get(roster, []) if not p.get("added")]
        more = next((q for q in self.facts["questions"] if q["name"] == "more"), None)
        if waiting:
            if more:  # the form's own "anyone else?" question
                self.fill(more, "yes")
                self.submit()
            else:
                self.press(self.link("main a[href$='/add']"))
            if not self.path().endswith("/add"):
                self.fail("adding a person did not open the form for them")
            self.answer_and_continue(waiting[0])
            waiting[0]["added"] = True
            return
        if more:
            self.fill(more, "no")
        here = self.path()
        self.submit()
        if self.path() == here and self.facts["errors"]:
            self.fail("the list refused to go on: %s" % self.facts["errors"])

    def answer_rows(self):
        return [dt.text.strip() for dt in self.driver.find_elements(By.CSS_SELECTOR, "main .summary-list dt")]

    def change_from_check_answers(self, question, value, expect_asked):
        """Changes one answer from check your answers; the routing must then ask `expect_asked`
        and come back to check your answers, which then shows it. Returns what was asked."""
        label = self.labels.get(question)
        links = self.driver.find_elements(
            By.XPATH, "//main//dt[normalize-space(.)=%s]/following-sibling::dd[contains(@class, 'summary-list__actions')][1]//a"
            % json.dumps(label))
        if not links:
            self.fail("check your answers has no row %r for %s" % (label, question))
        self.press(links[0])
        self.answer_and_continue({question: value})
        asked = []
        while self.path() != "/form/check-answers":
            if len(asked) > 10 or not self.path().startswith("/form/"):
                self.fail("changing %s never came back to check your answers (asked %s)" % (question, asked))
            asked.extend(q["name"] for q in self.facts["questions"])
            self.answer_and_continue(self.household)
        if expect_asked not in asked:
            self.fail("changing %s to %s did not ask %s (asked %s)" % (question, value, expect_asked, asked))
        if self.labels.get(expect_asked) not in self.answer_rows():
            self.fail("check your answers does not show %s after the change" % expect_asked)
        return asked

    def submit_answers(self):
        if self.path() != "/form/check-answers":
            self.fail("expected check your answers")
        self.submit()
        if self.path() != "/form/done":
            self.fail("submitting did not confirm: %s" % self.facts["main"][:300])
        reference = self.driver.find_element(By.CSS_SELECTOR, "main .panel strong").text.strip()
        if not reference:
            self.fail("no receipt reference on the confirmation page")
        return reference


def display_name(person):
    if person.get("name"):
        return person["name"]
    if "visitor_first_name" in person:
        return "%s %s" % (person["visitor_first_name"], person.get("visitor_last_name", ""))
    return "%s %s" % (person.get("first_name", ""), person.get("last_name", ""))


def axe_engines():
    """The axe-core builds to run: the one bundled in axe-selenium-python (3.1.1, which knows
    WCAG 2.0 A/AA and 2.1 AA), and, where axe-core-python is installed, its newer one (4.x,
    which also knows the WCAG 2.1 A rules)."""
    engines = [("axe-selenium-python", Axe(None).script_url)]
    try:
        from axe_core_python.base import AXE_FILE_PATH
        engines.append(("axe-core-python", str(AXE_FILE_PATH)))
    except ImportError:
        pass
    return engines


class Report:
    """axe runs by kind of page, the width check, the title and the browser console, for every page."""

    def __init__(self):
        self.kinds = {}
        self.problems = []
        self.axe_seconds = 0.0
        self.pages = 0
        self.engines = [{"package": package, "script": script, "version": None, "tags": None} for package, script in axe_engines()]

    def problem(self, text):
        self.problems.append(text)

    @staticmethod
    def kind_of_page(journey):
        """A kind of page: its route with the ids taken out, what it shows (the kinds of field,
        an error summary, a warning, a definition, a list) and its language."""
        facts = journey.facts
        route = re.sub(r"/m\d+", "/M", facts["path"])
        route = re.sub(r"^/form/(page|member/[^/]+/M)/[^/]+$", r"/form/\1/*", route)
        route = re.sub(r"^/form/confirm/[^/]+/[^/]+$", "/form/confirm/*", route)
        route = re.sub(r"^/form/(relationships|list)/[^/]+", r"/form/\1/*", route)
        return "%s [%s] %s" % (route, facts["shows"], facts["lang"])

    def check_page(self, journey):
        self.pages += 1
        d, facts = journey.driver, journey.facts
        kind = self.kind_of_page(journey)
        if kind not in self.kinds:
            self.kinds[kind] = {"path": facts["path"], "width": journey.width, "violations": 0, "rules": []}
            for engine in self.engines:
                self.run_axe(journey, kind, engine)
        if facts["overflow"]:
            self.problem("%s scrolls sideways at %d px: %s" % (facts["path"], journey.width, facts["overflow"]))
        if not facts["title"].strip():
            self.problem("%s has no title" % facts["path"])
        for entry in d.get_log("browser"):
            # A page refusing input (422) or not found (404) is what some steps ask for.
            message = entry.get("message", "")
            expected = (entry.get("source") == "network" and message.startswith(facts["url"] + " ")
                        and ("status of 422" in message or "status of 404" in message))
            if entry.get("level") == "SEVERE" and not expected:
                self.problem("%s: browser console: %s" % (facts["path"], message))

    def run_axe(self, journey, kind, engine):
        d = journey.driver
        started = time.time()
        axe = Axe(d, engine["script"])
        axe.inject()
        version = d.execute_script("return axe.version")
        if engine["tags"] is None:
            # The WCAG 2.0 and 2.1 A/AA tags this axe-core knows.
            known = set(d.execute_script("return [].concat(...axe.getRules().map(r => r.tags))"))
            engine["tags"] = [t for t in WCAG_TAGS if t in known]
            engine["version"] = version
        elif version != engine["version"]:
            self.problem("%s: axe-core %s was injected, not %s" % (journey.path(), version, engine["version"]))
        # axe.run(context, options, callback): axe-selenium-python's run() passes the options
        # where axe-core 3 expects the context.
        results = d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, arguments[0], (error, results) => done(error ? {error: String(error)} : results));",
            {"runOnly": {"type": "tag", "values": engine["tags"]}, "resultTypes": ["violations"]})
        self.axe_seconds += time.time() - started
        if "error" in results:
            self.problem("axe-core %s failed on %s: %s" % (version, journey.path(), results["error"]))
            return
        violations = results.get("violations", [])
        self.kinds[kind]["violations"] += len(violations)
        self.kinds[kind]["rules"] += sorted("%s (axe-core %s)" % (v["id"], version) for v in violations)
        if violations:
            self.problem("axe-core %s on %s (%s, %d px):\n%s" % (version, journey.path(), kind, journey.width, axe.report(violations)))


# MARK: The journeys

def english_household(plan, report):
    """Three people in English on a phone: the whole story of the issue's browser test."""
    code = plan["codes"][0]
    people = [
        {"first_name": "Ann", "middle_names": "", "last_name": "Jones", "is_you": "yes", "dob": ("12", "5", "1980"), "sex": "female"},
        {"first_name": "Sam", "middle_names": "", "last_name": "Mistake", "remove": True},
        {"first_name": "Edith", "middle_names": "May", "last_name": "Jones", "is_you": "no", "dob": ("2", "1", "1917"), "sex": "female",
         "relationships": {"Ann": "grandparent"}, "_first_try": {"dob": ("30", "2", "1917")}},
        {"first_name": "Tom", "middle_names": "", "last_name": "Jones", "is_you": "no", "dob": ("30", "9", "2013"), "sex": "male",
         "relationships": {"Ann": "son_daughter", "Edith": "other_relation"}},
    ]
    # "I live alone" (and two people, where the form asks how many), then three listed: a
    # warning that does not block.
    household = {"lives_here": "yes", "who_else": ["none"], "household_size": "2", "any_visitors": Either("no", "none"),
                 "accommodation_type": "house", "residents": people}
    j = Journey("english", plan["base"], household, "en", report, width=320)
    j.word_for_a_number = True
    summary = {}
    try:
        # A wrong code first: one clear message (the access code page's error state).
        j.get("/")
        j.sign_in("AAAA BBBB CCCC DDDD")
        if j.path() != "/sign-in" or not j.facts["errors"]:
            j.fail("a wrong access code was not refused with a message")
        # The right one typed loosely: lower case, spaces for dashes.
        j.type_into(j.driver.find_element(By.NAME, "accessCode"), code.lower().replace("-", " "), "AAAA BBBB CCCC DDDD")
        j.submit()
        j.choose_language()
        # Half-way, a few of Ann's own questions answered: a fresh browser profile, the same code.
        j.walk(until=lambda p: p.startswith("/form/member/") and j.member_pages() >= 5)
        left_at = j.path()
        j.browser.quit()
        j.browser = Browser(320)
        j.get("/")
        j.sign_in(code)
        j.choose_language()
        if j.path() != left_at:
            j.fail("resuming in a fresh browser went to %s, not %s where the household left off" % (j.path(), left_at))
        j.press(j.link("a.back-link"))
        if not any(q.get("checked") or any(p["value"] for p in q.get("parts", [])) for q in j.facts["questions"]):
            j.fail("the page before the resume point lost its answer")
        summary["resumed_at"] = left_at
        j.get(left_at)
        j.walk()
        summary["check_answers_rows"] = len(j.answer_rows())
        # A change that reroutes: a flat, not a house, asks where the flat is.
        summary["change_asked"] = j.change_from_check_answers("accommodation_type", "flat", expect_asked="flat_type")
        if j.labels.get("house_type") in j.answer_rows():
            j.fail("the house type is still shown after changing to a flat")
        if not j.warnings:
            j.fail("no warning was shown for three people listed by someone living alone")
        if not j.number_as_word:
            j.fail("no number question was given a word")
        summary["number_as_word"] = j.number_as_word
        if not j.confirmations:
            j.fail("no confirmation was asked for a person aged 104")
        summary["reference"] = j.submit_answers()
        # After submission the answers can no longer be seen or changed online.
        j.get("/form/check-answers")
        if j.answer_rows():
            j.fail("the answers can still be viewed after submitting")
        j.get("/form/page/accommodation_type")
        if j.facts["questions"]:
            j.fail("an answer can still be changed after submitting")
        j.get("/no-such-page")
        summary.update({"warnings": sorted({w for _, w in j.warnings})[:5], "confirmations": [c[:200] for c in j.confirmations],
                        "pages": j.pages})
    finally:
        j.browser.quit()
    return summary


def welsh_household(plan, report):
    """One person in Welsh at desktop width, with the keyboard alone."""
    household = {"lives_here": "yes", "who_else": ["none"], "household_size": "1", "any_visitors": Either("no", "none"),
                 "residents": [{"first_name": "Gwen", "middle_names": "Mair", "last_name": "Evans", "is_you": "yes",
                                "dob": ("1", "3", "1975")}]}
    j = Journey("welsh", plan["base"], household, "cy", report, width=1280, keyboard=True)
    try:
        j.get("/")
        j.sign_in(plan["codes"][1])
        j.choose_language()
        j.walk()
        if j.facts["button"] in ("Save and continue", "Submit") or "Check your answers" in j.facts["title"]:
            j.fail("check your answers is not in Welsh")
        reference = j.submit_answers()
        return {"reference": reference, "pages": j.pages}
    finally:
        j.browser.quit()


def household_with_a_visitor(plan, report):
    """Two unrelated adults and an overnight visitor, in Welsh on a phone: the relationship
    screen answered with its "unrelated to everyone" shortcut, the visitor listed and asked
    their own questions, and check your answers showing both."""
    people = [
        {"first_name": "Rhys", "middle_names": "", "last_name": "Morgan", "is_you": "yes", "dob": ("4", "7", "1990"), "sex": "male"},
        {"first_name": "Cerys", "middle_names": "", "last_name": "Price", "is_you": "no", "dob": ("9", "11", "1992"), "sex": "female",
         "unrelated": True},
    ]
    visitors = [{"visitor_first_name": "Owen", "visitor_last_name": "Hughes", "visitor_dob": ("3", "3", "1985"), "visitor_sex": "male",
                 "visitor_usual_address_where": "uk"}]
    household = {"lives_here": "yes", "who_else": ["housemates"], "household_size": "2", "any_visitors": ["holiday"],
                 "residents": people, "visitors": visitors}
    j = Journey("visitors", plan["base"], household, "cy", report, width=320)
    try:
        j.get("/")
        j.sign_in(plan["codes"][2])
        j.choose_language()
        j.walk()
        if not j.shortcuts:
            j.fail("no relationship screen offered the 'unrelated to everyone' shortcut")
        if not any(p.startswith("/form/list/visitors") for p in j.visited):
            j.fail("the visitors list was never shown")
        if not any(p.startswith("/form/member/visitors/") for p in j.visited):
            j.fail("the visitor's own questions were never asked")
        if "Owen Hughes" not in j.driver.find_element(By.TAG_NAME, "main").text:
            j.fail("check your answers does not show the visitor: %s" % j.facts["main"][:300])
        reference = j.submit_answers()
        return {"reference": reference, "pages": j.pages, "shortcut": j.shortcuts[0]}
    finally:
        j.browser.quit()


def any_form(plan, report):
    """Any form, answered from what its pages show, on a phone (run with the constructs form)."""
    household = {"lives_here": "yes", "cars": ("many", "7"),
                 "people": [{"name": "Ann Example", "employer": "Example Ltd"}, {"name": "Bob Example", "employer": "NONE"}]}
    j = Journey("any", plan["constructs_base"], household, "en", report, width=320)
    try:
        j.get("/")
        j.sign_in(plan["constructs_code"])
        j.choose_language()
        j.walk()
        reference = j.submit_answers()
        return {"reference": reference, "pages": j.pages}
    finally:
        j.browser.quit()


def main():
    with open(sys.argv[1]) as f:
        plan = json.load(f)
    # Bounded whatever happens (a browser that hangs); the journeys take about 2 minutes on a
    # busy 2-core machine. The browsers are closed on the way out.
    deadline = int(plan.get("deadline_seconds", 600))

    def too_long(signum, frame):
        raise TimeoutError("the journeys took longer than %d s" % deadline)
    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(deadline)
    report = Report()
    started = time.time()
    out = {}
    failures = []
    journeys = [("english", english_household), ("welsh", welsh_household), ("visitors", household_with_a_visitor), ("any", any_form)]
    for name, journey in journeys:
        if name not in plan.get("journeys", [n for n, _ in journeys]):
            continue
        t = time.time()
        try:
            out[name] = journey(plan, report)
        except (JourneyFailed, WebDriverException, TimeoutError) as e:
            failures.append("%s: %s" % (name, e))
        out.setdefault(name, {})["seconds"] = round(time.time() - t, 1)
        if any("took longer than" in f for f in failures):
            break
    out.update({"kinds_of_page": report.kinds, "axe_runs": len(report.kinds),
                "axe": [{k: e[k] for k in ("package", "version", "tags")} for e in report.engines],
                "axe_seconds": round(report.axe_seconds, 1),
                "pages": report.pages, "seconds": round(time.time() - started, 1), "problems": report.problems + failures})
    print(json.dumps(out, indent=1))
    if report.problems or failures:
        sys.stderr.write("\n\n".join(report.problems + failures) + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
