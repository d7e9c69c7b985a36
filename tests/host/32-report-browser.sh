#!/usr/bin/env bash
# 32-report-browser.sh - benchcmp --report on the study fixtures (tests/fixtures/study: three
# environments of three runs each), opened in a real headless browser (Debian's chromium): the
# page renders with no console message (no script error, no load its policy refused), its
# screenshot is not blank, and in the rendered DOM every section is there in order, the summary
# has a row per environment and group of `--only summary --format csv`, every chart drawn is an
# inline <svg> with its drawing, the full table has every row and noise mark of the CSV, every
# link stays inside the report and each document is linked; it prints to a PDF of several
# pages.  The checks are shown failing first on planted pages (a console error, a script the
# policy blocks, a blank page).  No boot.
. "$(dirname "$0")/../boot/lib.sh"
. "$top/tests/host/browser.bash"
BC=${BC:-$BUILD/host/benchcmp}
D=$(mktemp -d "$T/report.XXXXXX")
# the study: three environments of three runs each (pools), disks on different I/O paths
docs=("$top"/tests/fixtures/study/*.json)
args=(--baseline baremetal "${docs[@]}")

"$BC" --report "$D/r" "${args[@]}" >"$D/text.txt" 2>"$D/report.err"
check "report: exit 0, DIR/index.html written" test -s "$D/r/index.html"
"$BC" --format csv "${args[@]}" >"$D/table.csv" 2>/dev/null
"$BC" --format csv --only summary "${args[@]}" >"$D/summary.csv" 2>/dev/null

# the checks, each shown failing on a planted page first
printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body>\n<script>console.error("planted");</script></body></html>\n' >"$D/planted.html"
browse "$D/planted.html" "$D/planted"
check "planted: the console check fails on a console.error (its message in the log)" \
    bash -c "$(declare -f console_quiet); ! console_quiet '$D/planted' && grep -q 'CONSOLE.*planted' '$D/planted.log'"
check "planted: a blank page's screenshot has 1 colour" test "$(colours "$D/planted.png")" = 1
# the report with a script slipped in: its policy blocks it, and says so on the console
sed 's|</body>|<script>document.title="ran"</script></body>|' "$D/r/index.html" >"$D/r/planted.html"
browse "$D/r/planted.html" "$D/blocked"
check "planted: a script in the report is blocked, and the block is a console message" \
    bash -c "grep -q 'CONSOLE.*Content Security Policy' '$D/blocked.log' && ! grep -q '<title>ran</title>' '$D/blocked.dom'"
rm -f "$D/r/planted.html"

browse "$D/r/index.html" "$D/page"
check "browser: chromium rendered the report (exit 0)" test $? = 0
check "browser: no console message at all (no error, nothing blocked)" console_quiet "$D/page"
n=$(colours "$D/page.png")
check "browser: the screenshot is not blank ($n colours)" test "$n" -gt 100

check "DOM: sections in order, a summary row per environment and group, each chart an inline <svg> with its drawing, table and links whole" \
    python3 - "$D/page.dom" "$D/r" "$D/table.csv" "$D/summary.csv" "${#docs[@]}" <<'EOF'
import csv, os, sys
from html.parser import HTMLParser
dom, rdir, table, summary, ndocs = sys.argv[1:]

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections, self.figures, self.stack, self.links, self.bad = [], {}, [], [], []
        self.rows, self.noise, self.fig = {}, 0, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.sections.append(a.get("id"))
        if tag in ("script", "iframe", "object", "embed", "link", "img") or any(k.startswith("on") for k in a):
            self.bad.append(tag)
        if tag == "figure" and "data-chart" in a:
            self.fig = a["data-chart"]
            self.figures[self.fig] = {"svg": 0, "shapes": 0, "text": 0}
        if self.fig and tag == "svg":
            self.figures[self.fig]["svg"] += 1
        if self.fig and tag in ("path", "rect", "circle", "use"):
            self.figures[self.fig]["shapes"] += 1
        if self.fig and tag == "text":
            self.figures[self.fig]["text"] += 1
        if tag == "a":
            self.links.append(a.get("href", ""))
        if tag == "table":
            self.stack.append(a.get("class"))
            self.rows[a.get("class")] = 0
        if tag == "tr" and self.stack:
            self.rows[self.stack[-1]] += 1
        if tag == "td" and "noise" in (a.get("class") or ""):
            self.noise += 1
    def handle_endtag(self, tag):
        if tag == "figure":
            self.fig = None
        if tag == "table" and self.stack:
            self.stack.pop()

p = Page()
p.feed(open(dom, encoding="utf-8").read())
want = ["environments", "warnings", "summary", "charts", "table", "documents"]
assert [s for s in p.sections if s in want] == want, p.sections
assert not p.bad, p.bad
drawn = {f[:-4] for f in os.listdir(rdir + "/charts") if f.endswith(".svg")}
assert drawn and set(p.figures) == drawn, (sorted(drawn), sorted(p.figures))
for name, f in p.figures.items():
    assert f["svg"] == 1 and f["shapes"] >= 20 and f["text"] >= 5, (name, f)
rows = list(csv.DictReader(open(table, newline="")))
assert p.rows["results"] == len(rows) + 1, (p.rows, len(rows))
noise = sum(1 for r in rows for k, v in r.items() if k.endswith("_within_noise") and v == "yes")
assert p.noise == noise, (p.noise, noise)
for h in p.links:
    assert h.startswith("#") or (h.startswith("docs/") and os.path.isfile(os.path.join(rdir, h))), h
assert sum(h.startswith("docs/") for h in p.links) == int(ndocs), p.links
sums = list(csv.DictReader(open(summary, newline="")))
assert sums and p.rows["summary"] == len(sums) + 1, (p.rows, len(sums))
EOF
timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$D/pdf.profile" \
    --no-pdf-header-footer --print-to-pdf="$D/page.pdf" "file://$D/r/index.html" >/dev/null 2>&1
check "print: the page prints to a PDF of several pages" \
    bash -c "head -c 5 '$D/page.pdf' | grep -q '%PDF' && test \$(grep -ac '/Type /Page\\b' '$D/page.pdf') -ge 3"
