"""Writes XLSForms shaped like census-bench's generated forms, for a side-by-side timing
against pyxform (ODK's XLSForm compiler). See BENCHMARKS.md.

    pip install pyxform openpyxl
    python3 benchmarks/pyxform/make_forms.py /tmp/pyx
    hyperfine -N 'xls2xform /tmp/pyx/gen84.xlsx /tmp/pyx/out.xml --skip_validate' ...
"""
import sys
import openpyxl


def make(n, nested, path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label::English (en)", "label::Welsh (cy)", "relevant", "constraint", "required", "calculation"])
    if nested:
        ws.append(["begin repeat", "people", "People", "Pobl"])
        ws.append(["text", "first_name", "First name", "Enw cyntaf", "", "", "yes"])
        ws.append(["date", "dob", "Date of birth", "Dyddiad geni"])
        ws.append(["calculate", "age", "", "", "", "", "", "int((today() - ${dob}) div 365.25)"])
    for i in range(n):
        if i % 20 == 0:
            relevant = "${age} >= 16" if nested and (i // 20) % 2 == 0 else ""
            ws.append(["begin group", f"s{i // 20}", f"Section {i // 20}", f"Adran {i // 20}", relevant])
        kind = ["text", "integer", "select_one level", "select_multiple features", "date"][i % 5]
        relevant = ""
        if i > 0:
            relevant = [
                f"${{q{i-1}}} != ''",
                f"${{q{i-1}}} >= 3 and ${{q{i-1}}} < 90",
                f"selected(${{q{i-1}}}, 'low') or selected(${{q{i-1}}}, 'medium')",
                f"not(selected(${{q{i-1}}}, 'none'))",
                "",
            ][(i - 1) % 5]
        constraint = ". >= 0 and . <= 99" if kind == "integer" else ""
        ws.append([kind, f"q{i}", f"Question {i}", f"Cwestiwn {i}", relevant, constraint])
        if i % 20 == 19 or i == n - 1:
            ws.append(["end group"])
    if nested:
        ws.append(["end repeat"])
    choices = wb.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)", "label::Welsh (cy)"])
    for name, en, cy in [("low", "Low", "Isel"), ("medium", "Medium", "Canolig"), ("high", "High", "Uchel")]:
        choices.append(["level", name, en, cy])
    for name, en, cy in [("a", "A", "A"), ("b", "B", "B"), ("none", "None", "Dim")]:
        choices.append(["features", name, en, cy])
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id"])
    settings.append(["Generated", "generated"])
    wb.save(path)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    make(84, False, f"{out}/gen84.xlsx")
    make(1000, False, f"{out}/gen1000.xlsx")
    make(1000, True, f"{out}/gen1000-nested.xlsx")
