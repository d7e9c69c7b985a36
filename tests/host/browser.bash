# shellcheck shell=bash
# browser.bash - a page opened in Debian's headless chromium for the report tests (32, 23).
# Source it after lib.sh.
#   browse PAGE OUT   renders PAGE (a file) once: OUT.dom (the DOM after load, --dump-dom),
#                     OUT.png (a 1280x2400 screenshot) and OUT.log (chromium's log, where every
#                     console message of the page, error or not, is a line with "CONSOLE");
#                     bounded by a 60 s timeout; returns chromium's status
#   console_quiet OUT 0 when OUT.log has no console message of the page (no script error, no
#                     blocked load: the Content-Security-Policy reports those to the console)
#   colours PNG       how many distinct colours the screenshot has (1: a blank page)
# Network use is cut off (no proxy, every host name resolves to nothing), so a page that needs
# the network shows errors instead of loading it.
browse() {
    local page=$1 out=$2
    # its own profile per call: nothing kept from one page to the next
    timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$out.profile" --no-proxy-server --host-resolver-rules='MAP * ~NOTFOUND' \
        --enable-logging=stderr --log-level=0 --window-size=1280,2400 \
        --screenshot="$out.png" --dump-dom "file://$(realpath "$page")" >"$out.dom" 2>"$out.log"
}
console_quiet() { ! grep -q 'CONSOLE' "$1.log"; }
colours() { pngtopnm "$1" | ppmhist -noheader | wc -l; }
