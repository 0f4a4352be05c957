"""Opens a report in headless Chromium (Debian's chromium and chromium-driver, driven by
selenium) and checks that it renders: every SVG chart has a size, the screenshot is not
blank, and the browser logged no console error. Prints a JSON summary; exits 1 on failure.

Usage: python3 render_report.py REPORT.html SCREENSHOT.png
"""
import json
import os
import shutil
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

report, screenshot = sys.argv[1], sys.argv[2]
options = webdriver.ChromeOptions()
for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,2000"]:
    options.add_argument(arg)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
binary = shutil.which("chromium") or shutil.which("chromium-browser")
if binary:
    options.binary_location = binary
driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
driver = webdriver.Chrome(service=Service(driver_path), options=options)
try:
    driver.get("file://" + os.path.abspath(report))
    charts = driver.execute_script(
        "return Array.from(document.querySelectorAll('svg')).map(s => {const r = s.getBoundingClientRect(); return [r.width, r.height, s.querySelectorAll('rect,path,line').length];});")
    title = driver.title
    driver.save_screenshot(screenshot)
    logs = driver.get_log("browser")
finally:
    driver.quit()

errors = [entry for entry in logs if entry.get("level") in ("SEVERE", "ERROR")]
png = open(screenshot, "rb").read()
# A blank page compresses to almost nothing; a page of text, tables and charts does not.
distinct_bytes = len(set(png[100:20000]))
summary = {"title": title, "charts": charts, "errors": [e.get("message") for e in errors],
           "screenshot_bytes": len(png), "distinct_bytes": distinct_bytes}
print(json.dumps(summary))
ok = (not errors and len(charts) >= 3 and all(w > 100 and h > 50 and n > 3 for w, h, n in charts)
      and len(png) > 20000 and distinct_bytes > 200)
sys.exit(0 if ok else 1)
