#!/usr/bin/env bash
# 32-report-browser.sh - benchcmp --report on the study fixtures (tests/fixtures/study: three
# environments of three runs each, and a fourth of one run lacking two entries), opened in a real
# headless browser (Debian's chromium): the page renders with no console message (no script error,
# no load its policy refused), its screenshot is not blank, and in the rendered DOM every section
# is there in order, the summary has a row per environment and group of `--only summary --format
# csv`, every chart drawn is an inline <svg> with its drawing, the full table has every row and
# noise mark of the CSV, every link stays inside the report and each document is linked; it prints
# to a PDF of several pages.  The checks are shown failing first on planted pages (a console
# error, a script the policy blocks, a blank page).  Then the charts: an overhead chart per suite
# (none for timer), each disk sweep also as % of the baseline, log y where values span decades,
# "n/a" for the missing entries, titles in words with shared params below, none over 1200 px.
# Last, --report into a directory that is not new: a previous report replaced, anything else
# refused.  No boot.
. "$(dirname "$0")/../boot/lib.sh"
. "$top/tests/host/browser.bash"
BC=${BC:-$BUILD/host/benchcmp}
D=$(mktemp -d "$T/report.XXXXXX")
# the study: three environments of three runs each (pools), disks on different I/O paths, and a
# fourth of one run that lacks the 4K sequential read and the first alu test (its "n/a")
jq '.tool.tag = "xen" | .results |= map(select((.suite == "disk" and .test == "seq_read" and
    .params.block_size == 4096) or (.suite == "alu" and .test == "int_add") | not))' \
    "$top/tests/fixtures/study/kvm-1.json" >"$D/xen-1.json"
docs=("$top"/tests/fixtures/study/*.json "$D/xen-1.json")
args=(--baseline baremetal "${docs[@]}")

"$BC" --report "$D/r" "${args[@]}" >"$D/text.txt" 2>"$D/report.err"
check "report: exit 0, DIR/index.html written" test -s "$D/r/index.html"
check "report: every table row closed once (as many </tr> as <tr>)" \
    bash -c "test \$(grep -o '<tr>' '$D/r/index.html' | wc -l) -gt 10 && test \$(grep -o '<tr>' '$D/r/index.html' | wc -l) = \$(grep -o '</tr>' '$D/r/index.html' | wc -l)"
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
for h in p.links: # inside the page (a section or a chart of its index) or a copied document
    assert (h[1:] in p.sections or (h.startswith("#chart-") and h[7:] in p.figures) or
            (h.startswith("docs/") and os.path.isfile(os.path.join(rdir, h)))), h
assert sum(h.startswith("#chart-") for h in p.links) == len(p.figures), "the charts' index"
assert sum(h.startswith("docs/") for h in p.links) == int(ndocs), p.links
sums = list(csv.DictReader(open(summary, newline="")))
assert sums and p.rows["summary"] == len(sums) + 1, (p.rows, len(sums))
EOF
timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$D/pdf.profile" \
    --no-pdf-header-footer --print-to-pdf="$D/page.pdf" "file://$D/r/index.html" >/dev/null 2>&1
check "print: the page prints to a PDF of several pages" \
    bash -c "head -c 5 '$D/page.pdf' | grep -q '%PDF' && test \$(grep -ac '/Type /Page\\b' '$D/page.pdf') -ge 3"

# the charts a paper prints (their gnuplot scripts are kept beside the SVG in DIR/charts)
C=$D/r/charts
check "charts: an overhead chart (% of the baseline, 100% line) for alu, vmcost and disk, none for timer" \
    bash -c "for s in alu vmcost disk; do ls '$C'/\$s-overhead-*.gp >/dev/null 2>&1 || exit 1; done
             grep -q 'first 100' '$C'/alu-overhead-higher*.gp && ! ls '$C'/timer-* >/dev/null 2>&1"
check "charts: each disk sweep also as % of the baseline" \
    bash -c "n=0; for g in '$C'/disk-seq_*-MB-s.gp; do test -s \${g%.gp}-pct.svg || exit 1; n=\$((n+1)); done; test \$n = 2"
check "charts: log y where the values span decades (sweep 4K..64M), linear where not (alu as %)" \
    bash -c "grep -q 'set logscale y' '$C/disk-seq_read-MB-s.gp' && ! grep -q 'set logscale y' '$C/alu-overhead-higher-p1.gp'"
check "charts: 'n/a' where an environment has no figure (xen: seq_read at 4K, alu int_add)" \
    bash -c "grep -q \"set label 'n/a' at first 4096,\" '$C/disk-seq_read-MB-s.gp' &&
             grep -q \"set label 'n/a'\" '$C/alu-overhead-higher-p1.gp' && grep -q '>n/a<' '$C/disk-seq_read-MB-s.svg'"
check "charts: titles in words, the shared params in a subtitle" \
    bash -c "grep -q '>Disk: seq read throughput against block size<' '$C/disk-seq_read-MB-s.svg' &&
             grep -q '>every line: qd=1; median' '$C/disk-seq_read-MB-s.svg'"
check "charts: none wider than 1200 px; many tests make several charts (part 1 of N)" \
    bash -c "! grep -h '^set terminal svg size' '$C'/*.gp | awk -F'[ ,]' '\$5 > 1200 { bad = 1 } END { exit !bad }' &&
             ls '$C'/alu-overhead-higher-p2.svg >/dev/null && grep -q 'part 1 of ' '$C/alu-overhead-higher-p1.svg'"

# --report into a directory that is not new: a previous report is replaced (none of its charts
# or document copies left behind, and said); anything else is refused and left as it was
"$BC" --report "$D/r" "$top/tests/fixtures/study/kvm-1.json" "$top/tests/fixtures/study/esxi-1.json" \
    >/dev/null 2>"$D/again.err"; rc=$?
check "--report over a previous report: replaced and said, only the new documents and charts there" \
    bash -c "test $rc = 0 && grep -q 'index.html (replacing the previous report there)' '$D/again.err' &&
             test \$(ls '$D/r/docs' | wc -l) = 2 && grep -q 'content=\"benchcmp --report\"' '$D/r/index.html' &&
             for f in '$D/r/charts'/*.svg; do grep -q \"id=\\\"chart-\$(basename \"\$f\" .svg)\\\"\" '$D/r/index.html' || exit 1; done"
mkdir "$D/mine" && echo '<html>my notes</html>' >"$D/mine/index.html" && mkdir "$D/other" && echo x >"$D/other/notes.txt"
"$BC" --report "$D/mine" "${args[@]}" >/dev/null 2>"$D/mine.err"; rc=$?
"$BC" --report "$D/other" "${args[@]}" >/dev/null 2>"$D/other.err"; rc2=$?
check "--report into a directory holding something else: refused by name, nothing written" \
    bash -c "test $rc = 1 && test $rc2 = 1 && grep -q \"^benchcmp: error: --report $D/mine: the directory is not empty and holds no report of benchcmp\" '$D/mine.err' &&
             grep -q \"^benchcmp: error: --report $D/other: the directory is not empty\" '$D/other.err' &&
             test \"\$(cat '$D/mine/index.html')\" = '<html>my notes</html>' && test \"\$(ls '$D/mine' '$D/other' | wc -l)\" = 5"
