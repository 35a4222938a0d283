#!/usr/bin/env python3
"""Open docs pages rendered by check_docs.py in headless Chromium: every image must load (naturalWidth > 0), and a
screenshot of each page is kept. Offline: Chromium may not resolve any host, so a page that needs the network to show
a figure fails here as it would for a reader without it (remote images are listed, not checked).

  python .ci/browse_docs.py HTML_DIR [--screens DIR] [PAGE ...]   # PAGE: e.g. index or tutorials/lincs_a549

Without PAGE: the home page, every tutorial and one module page. Without chromium on PATH it prints a note and
succeeds: a machine without a browser is no reason to fail CI.
"""
import argparse, html, json, re, shutil, subprocess, sys
from pathlib import Path

# Runs when the page has loaded (images included) and leaves its verdict in the DOM, for --dump-dom to carry out.
PROBE = """<script>
window.addEventListener('load', () => setTimeout(() => {
  const r = Array.from(document.images).map(i => ({src: i.getAttribute('src') || '', w: i.naturalWidth,
                                                   h: i.naturalHeight, done: i.complete}));
  const p = document.createElement('pre'); p.id = 'docs-check-images'; p.textContent = JSON.stringify(r);
  document.body.appendChild(p);
}, 100));
</script>"""
MODULE_PAGES = ('eval.cluster', 'eval.stats')  # quarto's names; the first one present stands for the module pages


def chromium():
    return next((shutil.which(c) for c in ('chromium', 'chromium-browser', 'google-chrome') if shutil.which(c)), None)


def browser(exe, *args, timeout=120):
    # --no-sandbox: CI containers run as root; the host rules keep the check offline and quick to give up on CDNs
    cmd = [exe, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run',
           '--host-resolver-rules=MAP * ~NOTFOUND', '--virtual-time-budget=15000', *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def default_pages(html_dir):
    pages = ['index'] + sorted(str(p.relative_to(html_dir).with_suffix('')) for p in html_dir.glob('tutorials/*.html'))
    mod = next((m for m in MODULE_PAGES if (html_dir/f'{m}.html').exists()), None)
    if mod is None: mod = next((p.stem for p in sorted(html_dir.glob('*.*.html'))), None)
    return pages + ([mod] if mod else [])


def browse(exe, page, screens):
    "Problems of one page in the browser, and where its screenshot went"
    probe = page.with_name(page.stem + '.browse-probe.html')  # beside the page, so its relative figures resolve
    text = page.read_text(encoding='utf-8')
    i = text.rfind('</body>')
    probe.write_text(text[:i] + PROBE + text[i:] if i >= 0 else text + PROBE, encoding='utf-8')
    try: dom = browser(exe, '--dump-dom', probe.as_uri()).stdout
    finally: probe.unlink()
    m = re.search(r'<pre id="docs-check-images">(.*?)</pre>', dom, re.S)
    if not m: return [f'{page.name}: the page did not finish loading in the browser'], None
    imgs, problems = json.loads(html.unescape(m.group(1))), []
    for im in imgs:
        src = im['src'] if not im['src'].startswith('data:') else im['src'][:30] + '...'
        if re.match(r'^(https?:)?//', im['src']): print(f'docs browser: {page.name}: remote image {src} not checked')
        elif not im['w'] or not im['h']: problems.append(f'{page.name}: image {src} does not load in the browser')
    shot = screens/(page.stem + '.png')
    browser(exe, '--window-size=1280,2000', f'--screenshot={shot}', page.as_uri())
    if not shot.exists() or shot.stat().st_size == 0: problems.append(f'{page.name}: no screenshot'); shot = None
    return problems, (len(imgs), shot)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('html_dir', type=Path)
    ap.add_argument('pages', nargs='*', help='pages relative to HTML_DIR, without .html (default: see above)')
    ap.add_argument('--screens', type=Path, help='folder for screenshots (default: HTML_DIR/screens)')
    a = ap.parse_args()
    exe = chromium()
    if exe is None:
        print('docs browser: skipped, no chromium on PATH (install it to check the pages in a browser)'); return
    html_dir = a.html_dir.resolve()
    screens = (a.screens or html_dir/'screens').resolve(); screens.mkdir(parents=True, exist_ok=True)
    problems, images = [], 0
    for name in a.pages or default_pages(html_dir):
        page = html_dir/f'{name}.html'
        if not page.exists(): problems.append(f'{name}.html: no such page in {html_dir}'); continue
        bad, res = browse(exe, page, screens)
        problems += bad
        if res:
            images += res[0]; print(f'docs browser: {name}: {res[0]} images, screenshot {res[1]}')
    for p in problems: print(p)
    print(f'docs browser: {images} images in {len(a.pages or default_pages(html_dir))} pages, {len(problems)} problems')
    sys.exit(1 if problems else 0)


if __name__ == '__main__': main()
