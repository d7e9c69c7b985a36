#!/usr/bin/env bash
# 23-benchcmp-hostile.sh - benchcmp on a document written to attack whoever reads it
# (tests/fixtures/hostile/hostile.json, its canary made absolute): plotting it runs nothing
# (backquotes, $(...), system(), @macros and quotes in every string gnuplot sees) while every chart
# is still drawn with readable titles; text, Markdown and messages carry no raw ESC or other
# control byte; CSV cells a spreadsheet would run as formulas are neutralised; the HTML report
# (--report) of the document with markup added (script, img onerror, svg onload, javascript:
# link, iframe) holds no element or attribute of it, shows it as text, and chromium renders it
# with no console message and no injected element (each shown failing with st_put_html off).
# No boot.
#   BC=/path/to/benchcmp tests/run.sh boot tests/host/23-benchcmp-hostile.sh   (another build)
. "$(dirname "$0")/../boot/lib.sh"
BC=${BC:-$BUILD/host/benchcmp}
FX=$top/tests/fixtures
D=$(mktemp -d "$T/hostile.XXXXXX")
# a short canary path: the labels and titles that quote it are cut at 64 and 40 characters
C=$(mktemp -d /tmp/bbc.XXXXXX)
trap 'rm -rf "$C"' EXIT
canary=$C/PWNED
# every "touch PWNED" of the fixture touches the canary, wherever gnuplot would run it
jq --arg c "$canary" 'walk(if type == "string" then gsub("touch PWNED"; "touch " + $c) else . end)' \
    "$FX/hostile/hostile.json" >"$D/hostile.json"
check "the hostile document names the canary in its tag, a test name and params" \
    bash -c "jq -e --arg c '$canary' '.tool.tag == \"x\`touch \" + \$c + \"\`\"' '$D/hostile.json' && test \$(grep -c -- '$canary' '$D/hostile.json') -ge 5"
esc=$(printf '\033')

"$BC" --plot "$D/plots" "$FX/baremetal.json" "$D/hostile.json" >"$D/text.txt" 2>"$D/plot.err"
rc=$?
check "plot: exit 0" test $rc = 0
check "plot: the canary command did not run (no $canary, no PWNED anywhere)" \
    bash -c "! test -e '$canary' && test -z \"\$(find '$D' '$C' -name 'PWNED*')\""
check "plot: charts drawn, an SVG and a PNG per script (at least 10)" \
    bash -c "n=0; for g in '$D'/plots/*.gp; do b=\${g%.gp}; test -s \$b.svg && head -c 4 \$b.png | grep -q PNG || exit 1; n=\$((n+1)); done; test \$n -ge 10"
mem=$(ls "$D"/plots/mem-copy-*.svg 2>/dev/null | head -1)
check "plot: the hostile mem test got its chart, its title readable (backquotes and all)" \
    bash -c "grep -qF 'Memory: copy\`touch $canary\` per cache level and buffer size' '$mem' && grep -qF '>all with isa=sse2<' '$mem'"
check "plot: the legend shows the hostile tag as written" grep -qF ">x\`touch $canary\`<" "$mem"
check "plot: quotes, backslash, \$(), system() and @macro shown literally in a legend" \
    grep -qF "note='\"\\ @M \$(touch $canary) system(\"touch $canary\")" "$D/plots/disk-seq_read-MB-s.svg"
# (the api param is in a legend only when it is matched on: --match exact)
"$BC" --match exact --plot "$D/plots-exact" "$FX/baremetal.json" "$D/hostile.json" >/dev/null 2>&1
check "plot: an ESC in a param is shown as \\x1b in the legend" \
    grep -qF 'api=psync\x1b[31m note=@M' "$D/plots-exact/disk-seq_read-MB-s.svg"
check "plot: no raw ESC in any SVG" bash -c "! grep -lq '$esc' '$D'/plots/*.svg '$D'/plots-exact/*.svg"
check "plot: every SVG is well-formed XML (no control byte or bad UTF-8 in its text)" python3 -c '
import sys, xml.etree.ElementTree as ET
for f in sys.argv[1:]: ET.parse(f)
' "$D"/plots/*.svg

check "text: no raw ESC or other control byte on the terminal" \
    bash -c "! LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <'$D/text.txt') && ! grep -q '$esc' '$D/plot.err'"
check "text: the CPU brand readable, its escapes shown" \
    grep -qF '\x1b[31mEvil\x1b]0;pwned\x07 CPU \u009b2J Ünïcode ≈' "$D/text.txt"
check "text: a newline in a suite cannot start a line of its own" \
    bash -c "grep -qF 'alu\\nFORGED' '$D/text.txt' && ! grep -q '^FORGED' '$D/text.txt'"

"$BC" --format markdown "$FX/baremetal.json" "$D/hostile.json" >"$D/table.md" 2>&1
check "markdown: no raw control byte, '|' in a cell escaped" \
    bash -c "! LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <'$D/table.md') && grep -qF 'kvm\\|pipe' '$D/table.md'"

"$BC" --format csv "$FX/baremetal.json" "$D/hostile.json" >"$D/table.csv" 2>"$D/csv.err"
check "csv: exit 0, no raw ESC in the CSV or its notes" \
    bash -c "test -s '$D/table.csv' && ! grep -q '$esc' '$D/table.csv' '$D/csv.err'"
check "csv: no cell a spreadsheet runs as a formula; numbers (-3.2) stay numbers" python3 -c '
import csv, re, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
num = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
bad = [c for r in rows for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not num.match(c)]
bad += [c for r in rows for c in r if re.search(r";[-=+@]", c)]
skew = [r for r in rows if r[:2] == ["timer", "skew"]]
sys.exit(1 if bad or len({len(r) for r in rows}) != 1 or not skew or "-3.2" not in skew[0] else 0)
' "$D/table.csv"
check "csv: formula cells kept readable behind a quote" \
    bash -c "grep -qF \"\\\"'=HYPERLINK(\\\"\\\"http://example.invalid\\\"\\\")\\\"\" '$D/table.csv' && grep -qF \"\\\"'=cmd|' /C calc'!A0=x\\\"\" '$D/table.csv'"

# messages that quote a file name or what the parser saw
printf '{"schema": "barebench/1", "results": [ \033[2J ]}' >"$D/bad-esc.json"
"$BC" "$D/bad-esc.json" "$D/missing"$'\033'"[31m.json" >/dev/null 2>"$D/err.txt"
check "errors: a bad document and a file name with ESC are named, escaped" \
    bash -c "grep -qF 'missing\\x1b[31m.json: cannot open' '$D/err.txt' && grep -q 'bad-esc.json:1:' '$D/err.txt' && ! grep -q '$esc' '$D/err.txt'"

# the HTML report: markup in a document stays text (escaped), in the file and in a real browser
. "$top/tests/host/browser.bash"
jq '.env.system.product = "</td><script>document.title=\"pwned\"</script>" |
    .env.hypervisor.name = "<img src=x onerror=alert(1)>&lt;b&gt;" |
    .results[0].test = "\"><svg onload=alert(1)><a href=\"javascript:alert(1)\">x</a>" |
    .errors = [{"what": "<iframe src=\"http://example.invalid/\"></iframe>"}]' \
    "$D/hostile.json" >"$D/hostile-html.json"
"$BC" --report "$D/report" "$FX/baremetal.json" "$D/hostile-html.json" >/dev/null 2>"$D/report.err"
check "report: exit 0 on the hostile document, the canary untouched" \
    bash -c "test -s '$D/report/index.html' && ! test -e '$canary'"
check "report: no element or attribute from a document; its markup shown as text" python3 - "$D/report/index.html" <<'PY'
import sys
from html.parser import HTMLParser
page = ("html head meta title style body header h1 h2 p nav a section table thead tbody tr th td "
        "ul ol li div figure").split()
svg = "svg title desc g defs rect circle ellipse path use filter feflood fecomposite text tspan polygon polyline line clippath".split()
class P(HTMLParser):
    bad, text = [], ""
    def handle_starttag(self, tag, attrs):
        if tag not in page + svg or any(k.startswith("on") for k, _ in attrs):
            self.bad.append(tag)
        if tag == "a" and not dict(attrs).get("href", "").startswith(("#", "docs/")):
            self.bad.append("a href=" + dict(attrs).get("href", ""))
    def handle_data(self, d):
        self.text += d
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
want = ['<script>document.title="pwned"</script>', "<img src=x onerror=alert(1)>&lt;b&gt;",
        '"><svg onload=alert(1)>', '<iframe src="http://example.invalid/"></iframe>']
missing = [w for w in want if w not in p.text]
sys.exit(1 if p.bad or missing else 0)
PY
browse "$D/report/index.html" "$D/page"
check "report in chromium: no console message (no script ran, nothing loaded or blocked)" console_quiet "$D/page"
check "report in chromium: no element a document injected, the title its own" python3 - "$D/page.dom" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    bad, title, intitle = [], "", False
    def handle_starttag(self, tag, attrs):
        self.intitle = tag == "title" and not self.title
        if tag in ("script", "img", "iframe", "object", "embed") or any(k.startswith("on") for k, _ in attrs):
            self.bad.append(tag)
    def handle_data(self, d):
        if self.intitle:
            self.title += d
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
sys.exit(1 if p.bad or not p.title.startswith("barebench study") else 0)
PY
