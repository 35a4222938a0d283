#!/usr/bin/env python3
"""Check the docs as a reader sees them, offline (quarto is not needed; the GitHub deploy workflow stays the publisher).

Every page under nbs/ (notebooks; .md/.qmd if any) goes through nbdev's docs processing, as `nbdev-docs` does before
quarto renders it, and is rendered to HTML with nbconvert (mistune markdown: no pandoc). A page fails on an error
output, a stored traceback or warning, a machine path (/work/, /tmp/, /home/, site-packages, ...) in what the reader
sees, or a figure that is missing or empty. One line per problem, naming the page and the cell (its index in the
notebook as committed), then `docs: N pages, M figures checked, K problems`; exit 1 if K > 0.

  python .ci/check_docs.py [--out DIR] [--cache DIR] [--notes] [--workers N]
  python .ci/check_docs.py --self-test     # broken notebooks in a temp dir: each must be caught, a clean one pass

--out: the HTML pages (default: a temp dir), named as quarto names them (core.html, tutorials/x.html), figures
beside them. --cache: reuse nbdev's processing of notebooks unchanged since (same library and packages): nbdev runs
exported and import cells, which is most of the time. --notes: list the cells nbdev-docs runs on every page.
The files under nbs/ are staged in a temp dir (git's tracked and committable files: what the publisher checks out),
so the checkout is never written to.
"""
import argparse, base64, html, io, json, multiprocessing as mp, os, re, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ProcessPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

# Where a page shows the machine it was run on. The look-behind skips URLs and relative paths (`x.org/home/`).
MACHINE_PATH = re.compile(r'(?<![\w.~-])(?:/work/|/tmp/|/home/|/root/|/Users/|/private/var/|/var/folders/)'
                          r'|site-packages|\b[A-Z]:\\\\?Users\\')
# A warning as Python, logging or glog (torch's C++ side) prints it on stderr; stdout and plain prose with the word
# "Warning" in it are not warnings.
WARNING = re.compile(r'(?:^\s*|: )[A-Z]\w*Warning: |^\s*warnings\.warn\(|^WARNING[: ]|^[WE]\d{4} \d\d:\d\d:\d\d', re.M)
TRACEBACK = 'Traceback (most recent call last)'
IMAGE_MIMES = ('image/png', 'image/jpeg', 'image/gif', 'image/svg+xml')
MD_IMAGE = re.compile(r'!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+["\'][^)]*["\'])?\s*\)')
CELL_KEY = 'docs_check_cell'  # metadata key carrying each processed cell's index in the notebook as committed


def page_files(nbs):
    "The files under `nbs` the publisher gets: tracked or committable (git's ignore rules apply), not run outputs"
    try:
        out = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z', '--', '.'], cwd=nbs, check=True,
                             capture_output=True, text=True).stdout
        return [nbs/f for f in out.split('\0') if f and (nbs/f).is_file()]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (the self-test): every file
        return [f for f in nbs.rglob('*') if f.is_file()]


def _proc_one(src, dst, log):
    "nbdev's docs processing of one notebook (`nbdev.serve_drv.main`), tagging each cell with its committed index"
    # The processing runs the notebook's exported and import cells (for `show_doc`): keep their prints out of CI's log.
    t, fd1, fd2, mixed = time.time(), os.dup(1), os.dup(2), []
    with open(log, 'w') as f: os.dup2(f.fileno(), 1); os.dup2(f.fileno(), 2)
    try:
        from fastcore.nbio import read_nb, write_nb
        import nbdev.processors
        os.environ['IN_TEST'] = '1'
        nb = read_nb(src)
        committed = {id(c): i for i, c in enumerate(nb.cells)}
        # note the cells nbdev warns it runs (imports mixed with other code); every other warning goes its usual way,
        # so that the page holds what nbdev-docs would put there
        warn = nbdev.processors.warn
        def note(msg, *a, **kw):
            if 'imports and other code' in str(msg): mixed.extend(i for c in nb.cells if (i := committed.get(id(c)))
                                                                 is not None and c.source and c.source in str(msg))
            return warn(msg, *a, **kw)
        nbdev.processors.warn = note
        try: nbdev.processors.FilterDefaults()(nb)
        finally: nbdev.processors.warn = warn
        for c in nb.cells: c.metadata[CELL_KEY] = committed.get(id(c))  # None: a cell nbdev added (show_doc)
        write_nb(nb, dst)
        return None, time.time() - t, sorted(set(mixed))
    except Exception as e: return failure(e, committed if 'committed' in locals() else {}), time.time() - t, \
        sorted(set(mixed))
    finally:
        sys.stdout.flush(); sys.stderr.flush()
        os.dup2(fd1, 1); os.dup2(fd2, 2); os.close(fd1); os.close(fd2)
        os.environ.pop('IN_TEST', None)


def failure(e, committed):
    "Where nbdev's processing failed: {'cell': committed index of the cell it ran or None, 'why', 'code': its line}"
    cell, ran, tb = None, None, e.__traceback__
    while tb:  # nbdev's message numbers the cells after adding its own: take the cell object from its frame instead
        c = tb.tb_frame.f_locals.get('cell')
        if c is not None and id(c) in committed: cell, ran = committed[id(c)], c
        tb = tb.tb_next
    cause = e.__cause__ or e
    why = f'{type(cause).__name__}: {cause}' if str(cause).strip() else type(cause).__name__
    why, line, tb = why.strip().splitlines()[0], None, cause.__traceback__
    while tb:  # the line of the cell that raised, if the error came from the notebook's code
        if tb.tb_frame.f_code.co_filename.startswith('<'): line = tb.tb_lineno
        tb = tb.tb_next
    if len(why) > 140: why = f'{why[:90]} ... {why[-45:]}'
    lines = ran.source.splitlines() if ran is not None and isinstance(ran.source, str) else []
    return {'cell': cell, 'why': why, 'code': lines[line - 1].strip() if line and line <= len(lines) else None}


def cache_key(lib):
    "What nbdev's processing of a notebook depends on besides the notebook: the library, the installed packages"
    import hashlib, inspect
    from importlib.metadata import distributions
    h = hashlib.sha256(inspect.getsource(_proc_one).encode() + inspect.getsource(failure).encode())
    h.update(' '.join(sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions())).encode())
    for f in sorted(lib.rglob('*.py')): h.update(str(f.relative_to(lib)).encode() + f.read_bytes())
    return h.hexdigest()


def process(stage, pages, workers, lib, cache=None):
    "Process notebooks under stage/nbs into stage/_proc: {page: (nbdev's error or None, seconds, mixed cells)}, cached"
    os.chdir(stage)  # nbdev reads its config from the working directory, in the workers too
    (stage/'_logs').mkdir()
    jobs, done, keys = {}, {}, {}
    if cache:  # taken before the processing starts, so that an edit made meanwhile is not cached as processed
        import hashlib
        lib_key = cache_key(lib)
        keys = {p: hashlib.sha256(lib_key.encode() + p.read_bytes()).hexdigest() for p in pages}
    for p in pages:
        rel = p.relative_to(stage/'nbs')
        dst = stage/'_proc'/rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if cache:  # an earlier run's processing of the same notebook with the same library
            c = cache/rel
            meta = c.with_name(c.name + '.json')
            if meta.exists() and json.loads(meta.read_text())['key'] == keys[p]:
                m = json.loads(meta.read_text()); done[p] = (m['error'], 0.0, m['mixed'])
                if not m['error']: shutil.copy2(c, dst)
                continue
        jobs[p] = (str(p), str(dst), str(stage/'_logs'/(dst.name + '.log')))
    if workers <= 1: done |= {p: _proc_one(*a) for p, a in jobs.items()}
    else:
        # spawned workers import this file as a module (the processing replaces `__main__` inside a worker)
        sys.path.insert(0, str(Path(__file__).parent))
        import check_docs
        with ProcessPoolExecutor(workers, mp_context=mp.get_context('spawn')) as ex:
            futs = {p: ex.submit(check_docs._proc_one, *a) for p, a in jobs.items()}
            for p, f in futs.items():
                try: done[p] = f.result()
                except Exception as e:  # a worker that died (memory, a crash in native code): the page is not built
                    done[p] = {'cell': None, 'why': f'the processing crashed ({type(e).__name__})'}, 0, []
    for p in jobs if cache else ():
        c = cache/p.relative_to(stage/'nbs'); c.parent.mkdir(parents=True, exist_ok=True)
        if not done[p][0]: shutil.copy2(stage/'_proc'/p.relative_to(stage/'nbs'), c)
        c.with_name(c.name + '.json').write_text(json.dumps({'key': keys[p], 'error': done[p][0],
                                                           'mixed': done[p][2]}))
    return done, len(pages) - len(jobs)


def image_problem(b, mime):
    "Why image bytes `b` show nothing (None if they show something)"
    if not b: return 'is empty (0 bytes)'
    if mime == 'image/svg+xml':
        t = b.decode('utf-8', 'replace')
        return None if '<svg' in t and re.search(r'<(path|rect|circle|line|poly|text|image|use)\b', t) else \
            'is an SVG that draws nothing'
    try: from PIL import Image
    except ImportError: return None if len(b) > 100 else f'is {len(b)} bytes'  # no PIL: the size is all we can tell
    try:
        im = Image.open(io.BytesIO(b)); im.load()
    except Exception as e: return f'does not decode as an image ({type(e).__name__})'
    if im.width <= 1 or im.height <= 1: return f'is {im.width}x{im.height} pixels'
    ext = im.convert('RGBA').getextrema()
    if all(lo == hi for lo, hi in ext): return f'is a single colour ({im.width}x{im.height})'
    return None


class _Imgs(HTMLParser):
    def __init__(self): super().__init__(); self.srcs = []
    def handle_starttag(self, tag, attrs):
        if tag == 'img': self.srcs.append(dict(attrs).get('src'))


def strip_code(md):
    "Markdown without fenced blocks and code spans, where `![..](..)` is text, not an image"
    md = re.sub(r'^(```|~~~).*?^\1', '', md, flags=re.M | re.S)
    return re.sub(r'(`+).+?\1', '', md, flags=re.S)


def cell_texts(cell):
    "What a reader sees of a cell as text, as ('source' or 'output', text): its source and every text output"
    if 'remove_input' not in cell.get('metadata', {}).get('tags', []):  # `#| echo: false`: the reader sees no code
        yield 'source', cell.get('source', '') if isinstance(cell.get('source'), str) else ''.join(cell['source'])
    for o in cell.get('outputs', []):
        if 'text' in o: yield 'output', ''.join(o['text']) if isinstance(o['text'], list) else o['text']
        if o.get('output_type') == 'error': yield 'output', '\n'.join(o.get('traceback', []))
        for mime, v in o.get('data', {}).items():
            if mime.startswith('text/') or mime in ('application/json', 'image/svg+xml'):
                yield 'output', v if isinstance(v, str) else json.dumps(v) if isinstance(v, dict) else ''.join(v)


class Page:
    "One page: its problems, its figures, its HTML"
    def __init__(self, rel, src_dir):
        self.rel, self.src_dir, self.problems, self.notes, self.figures = rel, src_dir, [], [], 0

    def bad(self, cell, msg):
        line = f"{self.rel}{'' if cell is None else ' cell ' + str(cell)}: {msg}"
        if line not in self.problems: self.problems.append(line)

    def local_file(self, src):
        "The file a relative figure path names, as the publisher has it (None for remote or embedded ones)"
        if re.match(r'^[a-z][a-z0-9+.-]*:', src, re.I) or src.startswith('//'): return None
        return (self.src_dir/src.split('#')[0].split('?')[0]).resolve()

    def check_local(self, cell, src):
        f = self.local_file(src)
        if f is None: return
        if not f.is_file(): self.bad(cell, f'figure {src} is missing (not in the repository next to the page)')
        else:
            why = image_problem(f.read_bytes(), 'image/svg+xml' if f.suffix == '.svg' else 'image/png')
            if why: self.bad(cell, f'figure {src} {why}')


def line_at(text, i):
    "The line of `text` holding position `i`, stripped"
    return text[text.rfind('\n', 0, i) + 1:].split('\n')[0].strip()


def where(cell, prev):
    "A processed cell's committed index, or where nbdev put a cell it added"
    i = cell.get('metadata', {}).get(CELL_KEY)
    return i if i is not None else f'{prev} (the show_doc nbdev adds after it)' if prev is not None else '0 (added)'


def check_nb(page, nb, committed=None):
    "Problems in a (processed) notebook's cells; returns {embedded figure payload prefix or path: cell} for the HTML"
    owners, prev = {}, None
    def rerun(at, line):  # nbdev-docs runs cells that mix imports with code and shows the fresh output, not the stored
        if committed is None or not isinstance(at, int) or at >= len(committed): return ''
        stored = '\n'.join(t for kind, t in cell_texts(committed[at]) if kind == 'output')
        return '' if line[:60] in stored else \
            " (from nbdev-docs' own run of the cell: it mixes imports with other code)"
    for cell in nb['cells']:
        at = where(cell, prev)
        if cell.get('metadata', {}).get(CELL_KEY) is not None: prev = cell['metadata'][CELL_KEY]
        src = ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']
        if cell['cell_type'] == 'markdown':
            for ref in MD_IMAGE.findall(strip_code(src)): owners[ref] = at; page.check_local(at, ref)
            for name in re.findall(r'attachment:([^)\s"\']+)', src):
                if name not in cell.get('attachments', {}): page.bad(at, f'figure attachment:{name} is missing')
        warned = [line_at(t, m.start()) for o in cell.get('outputs', []) if o.get('name') == 'stderr'
                  for t in [''.join(o.get('text', ''))] for m in [WARNING.search(t)] if m]
        for kind, t in cell_texts(cell):
            m = MACHINE_PATH.search(t)
            if not m: continue
            line = line_at(t, m.start())
            if line in warned: continue  # reported once, as the warning it is
            if kind == 'source': page.bad(at, f"machine path {m.group(0)!r} in the cell's "
                                              f"{'text' if cell['cell_type'] == 'markdown' else 'code'}: {line[:100]}")
            else: page.bad(at, f'machine path {m.group(0)!r} in an output: {line[:100]}{rerun(at, line)}')
        for o in cell.get('outputs', []):
            kind = o.get('output_type')
            if kind == 'error': page.bad(at, f"error output ({o.get('ename')}: {o.get('evalue', '')[:100]})"); continue
            text = ''.join(o.get('text', '')) + ''.join(v if isinstance(v, str) else ''.join(v)
                                                       for k, v in o.get('data', {}).items() if k.startswith('text/'))
            if TRACEBACK in text: page.bad(at, f'stored traceback in a {o.get("name", kind)} output'
                                               f'{rerun(at, line_at(text, text.index(TRACEBACK)))}')
            m = WARNING.search(text) if kind == 'stream' and o.get('name') == 'stderr' else None
            if m: page.bad(at, f'stored warning in stderr: {line_at(text, m.start())[:100]}'
                               f'{rerun(at, line_at(text, m.start()))}')
            for mime in IMAGE_MIMES:
                if mime in o.get('data', {}):
                    v = o['data'][mime]; v = v if isinstance(v, str) else ''.join(v)
                    owners[v.strip()[:200] if mime != 'image/svg+xml' else mime + str(len(v))] = at
    return owners


def check_html(page, body, owners):
    "Every <img> of the rendered page shows something; no machine path in the page"
    p = _Imgs(); p.feed(body)
    for src in p.srcs:
        page.figures += 1
        if not src: page.bad(None, 'an <img> without src in the rendered HTML'); continue
        if src.startswith('data:'):
            head, _, data = src.partition(',')
            mime = head[5:].split(';')[0]
            try: b = base64.b64decode(data) if ';base64' in head else data.encode()
            except ValueError: b = b''
            why = image_problem(b, mime)
            if why: page.bad(owners.get(data.strip()[:200], '?'), f'embedded {mime} figure {why}')
        elif src.startswith(('http://', 'https://', '//')): continue  # remote: nothing to check offline
        else: page.check_local(owners.get(src, '?'), src)
    # a last look at the page's text, for a path that no cell showed (one the cells did show is reported already)
    text = html.unescape(re.sub(r'<[^>]+>', '', re.sub(r'<(script|style)\b.*?</\1>', '', body, flags=re.S)))
    for m in MACHINE_PATH.finditer(text):
        path = re.match(r'\S*', text[m.start():]).group(0)[:40]
        if not any(path in x for x in page.problems):
            page.bad(None, f'machine path {m.group(0)!r} in the rendered HTML: {line_at(text, m.start())[:100]}')


CELL_KEYS = {'cell_type', 'id', 'metadata', 'source', 'outputs', 'execution_count', 'attachments'}
DIRECTIVE = re.compile(r'^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$', re.M)


QUARTO_ATTRS = re.compile(r'(\]\([^)\s]*\))\{[^}\n]*\}')  # `[source](url){target="_blank"}`: quarto-only syntax


def frontmatter(nb):
    "The page's quarto front matter (title, output-file, ...) as nbdev wrote it into the first raw cell"
    import yaml
    c = next((c for c in nb['cells'] if c['cell_type'] == 'raw'), None)
    src = c and (''.join(c['source']) if isinstance(c['source'], list) else c['source'])
    m = src and re.match(r'\s*---\n(.*?)\n---', src, re.S)
    try: return (yaml.safe_load(m.group(1)) or {}) if m else {}
    except yaml.YAMLError: return {}


def reader_view(nb):
    "The cells as quarto shows them: front matter as a title, `#| include/echo/output: false` applied, no directives"
    cells, fm = [], frontmatter(nb)
    for c in nb['cells']:
        c = {k: v for k, v in c.items() if k in CELL_KEYS}  # nbdev leaves keys (`has_sd`, timings) nbformat rejects
        c['metadata'] = {k: v for k, v in c.get('metadata', {}).items() if k in ('jupyter', CELL_KEY)}
        src = ''.join(c['source']) if isinstance(c['source'], list) else c['source']
        if c['cell_type'] == 'raw' and re.match(r'\s*---\n', src):
            c = {'cell_type': 'markdown', 'id': c.get('id', 'frontmatter'), 'metadata': c['metadata'],
                 'source': f"# {fm.get('title', '')}\n\n{fm.get('description', '')}"}
            if fm: cells.append(c)
            continue
        if c['cell_type'] == 'code':
            d = {k: v.lower() for k, v in DIRECTIVE.findall(src)}
            if d.get('include') == 'false': continue
            if d.get('output') == 'false': c['outputs'] = []
            src = DIRECTIVE.sub('', src).strip('\n')
            if d.get('echo') == 'false': c['metadata']['tags'] = ['remove_input']
            for o in c.get('outputs', []):
                md = o.get('data', {}).get('text/markdown')
                if md: o['data']['text/markdown'] = QUARTO_ATTRS.sub(r'\1', md if isinstance(md, str) else ''.join(md))
        if c['cell_type'] == 'markdown': src = re.sub(r'^:::.*\n?', '', QUARTO_ATTRS.sub(r'\1', src), flags=re.M)
        c['source'] = src
        c.setdefault('id', f'cell{len(cells)}')  # nbformat wants one on every cell
        cells.append(c)
    return {**nb, 'cells': cells}


def render(nb, exporter):
    "HTML of a notebook and its <body>"
    import nbformat
    out, _ = exporter.from_notebook_node(nbformat.reads(json.dumps(nb), as_version=4))  # reads joins split lines
    i = out.find('<body')
    return out, out[i:] if i >= 0 else out


def run(root, out, workers, quiet=False, cache=None, all_notes=False):
    "Check every page under root's nbs folder; returns (pages, figures, problems)"
    from nbdev.config import get_config
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    root = Path(root).resolve()
    cfg = get_config(root)
    nbs = cfg.nbs_path
    # the library beside these notebooks, not whichever cellrep is installed, runs their cells: spawn copies sys.path,
    # and cells that start Python processes pass on PYTHONPATH
    sys.path.insert(0, str(root))
    os.environ['PYTHONPATH'] = os.pathsep.join([str(root)] + [p for p in [os.environ.get('PYTHONPATH')] if p])
    stage = Path(tempfile.mkdtemp(prefix='docs-stage-'))  # nbdev writes _proc/ into the project: never the checkout
    cwd = Path.cwd()
    try:
        for f in page_files(nbs):
            d = stage/'nbs'/f.relative_to(nbs); d.parent.mkdir(parents=True, exist_ok=True); shutil.copy2(f, d)
        for f in ('pyproject.toml', 'settings.ini'):
            if (root/f).exists(): shutil.copy2(root/f, stage/f)
        staged = sorted(p for p in (stage/'nbs').rglob('*') if p.is_file())
        nb_pages = [p for p in staged if p.suffix == '.ipynb' and not p.name.startswith('_')]
        md_pages = [p for p in staged if p.suffix in ('.md', '.qmd') and not p.name.startswith('_')]
        t = time.time()
        done, cached = process(stage, nb_pages, workers, cfg.lib_path, cache)
        errors = {p: e for p, (e, _, _) in done.items()}
        slow = sorted(((s, p.name) for p, (_, s, _) in done.items() if s), reverse=True)[:3]
        if not quiet: print(f'docs: nbdev processed {len(nb_pages) - cached} notebooks in {time.time()-t:.0f}s'
                            + (f' ({cached} unchanged ones from the cache)' if cached else '')
                            + ('; slowest: ' + ', '.join(f'{n} {s:.0f}s' for s, n in slow) if slow else ''), flush=True)
        # quarto shows no prompts, and no source where `#| echo: false`
        exporter = HTMLExporter(template_name='lab', exclude_input_prompt=True, exclude_output_prompt=True)
        exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={'remove_input'}), enabled=True)
        out.mkdir(parents=True, exist_ok=True)
        for f in staged:  # figures and styles beside the pages, so the HTML opens in a browser as the site would
            if f.suffix not in ('.ipynb', '.md', '.qmd'):
                d = out/f.relative_to(stage/'nbs'); d.parent.mkdir(parents=True, exist_ok=True); shutil.copy2(f, d)
        pages = []
        for p in nb_pages + md_pages:
            rel = p.relative_to(stage/'nbs')
            html_rel = rel.with_suffix('.html')
            page = Page(nbs.relative_to(root)/rel if nbs.is_relative_to(root) else rel, p.parent)
            pages.append(page)
            proc = stage/'_proc'/rel
            if p.suffix == '.ipynb':
                err = errors.get(p)
                if err:
                    code = f" at `{err['code'][:60]}`" if err.get('code') else ''
                    page.bad(err['cell'], f"nbdev cannot process the page, so nbdev-docs fails: {err['why']}{code}")
                    proc = p  # check and render the page as committed, to report what else is wrong
                raw = json.loads(proc.read_text(encoding='utf-8'))
                committed = json.loads(p.read_text(encoding='utf-8'))['cells']
                if proc == p:
                    for i, c in enumerate(raw['cells']): c.setdefault('metadata', {})[CELL_KEY] = i
                if done[p][2]: page.notes.append(
                    f"{page.rel} cells {', '.join(map(str, done[p][2]))}: nbdev-docs runs them on every build "
                    "(imports mixed with other code)")
                name = frontmatter(raw).get('output-file')  # quarto's name for the page, which other pages link to
                exp = re.search(r'^#\|\s*default_exp\s+(\S+)', ''.join(''.join(c['source']) for c in committed), re.M)
                if not name and exp: name = f'{exp.group(1)}.html'  # nbdev's name, when it could not process the page
                if name: html_rel = rel.parent/name
                nb = reader_view(raw)
                owners = check_nb(page, nb, committed)
                try: full, body = render(nb, exporter)
                except Exception as e:
                    page.bad(None, f'nbconvert cannot render the page: {type(e).__name__}: {e}'); continue
            else:
                md = re.sub(r'\A---\n.*?\n---\n', '', p.read_text(encoding='utf-8'), flags=re.S)
                owners = check_nb(page, {'cells': [{'cell_type': 'markdown', 'source': md,
                                                    'metadata': {CELL_KEY: 0}}]})
                body = markdown2html_mistune(md); full = f'<!DOCTYPE html><html><body>{body}</body></html>'
            check_html(page, body, owners)
            (out/html_rel).parent.mkdir(parents=True, exist_ok=True)
            (out/html_rel).write_text(full, encoding='utf-8')
        problems = [x for pg in pages for x in pg.problems]
        if not quiet:  # the cells nbdev-docs runs: where a page fails, or all of them when asked
            for n in (n for pg in pages for n in pg.notes if pg.problems or all_notes): print(f'note: {n}')
            rest = [pg for pg in pages if pg.notes and not (pg.problems or all_notes)]
            if rest: print(f'note: {len(rest)} more pages have cells nbdev-docs runs (imports mixed with other code); '
                           '--notes lists them')
        return pages, sum(pg.figures for pg in pages), problems
    finally:
        os.chdir(cwd)
        shutil.rmtree(stage, ignore_errors=True)


# ---- self-test: each broken page must be caught with the right message, and a clean one must pass -------------------

def _png(w, h, varied=True):
    from PIL import Image
    im = Image.new('RGB', (w, h), 'white')
    if varied: im.putpixel((0, 0), (0, 0, 0))
    b = io.BytesIO(); im.save(b, 'PNG'); return base64.b64encode(b.getvalue()).decode()


def _nb(*cells):
    return {'cells': list(cells), 'metadata': {'kernelspec': {'display_name': 'Python 3', 'language': 'python',
            'name': 'python3'}, 'language_info': {'name': 'python'}}, 'nbformat': 4, 'nbformat_minor': 5}


def _code(src, *outputs):
    return {'cell_type': 'code', 'execution_count': 1, 'metadata': {}, 'source': src, 'outputs': list(outputs)}


def _md(src): return {'cell_type': 'markdown', 'metadata': {}, 'source': src}


def _stream(name, text): return {'output_type': 'stream', 'name': name, 'text': text}


def _fig(b64): return {'output_type': 'display_data', 'metadata': {}, 'data': {'image/png': b64, 'text/plain': 'Fig'}}


def self_test(root):
    title = _md('# A page\n> what it shows')
    cases = {  # notebook: (cells, the problem line it must give, without the notebook's name)
        'error_output': ([title, _code('1/0', {'output_type': 'error', 'ename': 'ZeroDivisionError',
                          'evalue': 'division by zero', 'traceback': ['ZeroDivisionError: division by zero']})],
                         'cell 1: error output (ZeroDivisionError'),
        'traceback_stream': ([title, _md('text'), _code('f()', _stream('stdout', 'Traceback (most recent call last):\n'
                              '  File "x", line 1\nValueError: no\n'))], 'cell 2: stored traceback in a stdout output'),
        'machine_path': ([title, _code('print(p)', _stream('stdout', 'saved to /work/x/report.md\n'))],
                         "cell 1: machine path '/work/' in an output: saved to /work/x/report.md"),
        'empty_figure': ([title, _code('plot()', _fig(_png(1, 1)))], 'cell 1: embedded image/png figure is 1x1'),
        'blank_figure': ([title, _code('plot()', _fig(_png(40, 30, varied=False)))],
                         'cell 1: embedded image/png figure is a single colour'),
        'missing_image': ([title, _md('![the scale](images/nowhere.png)')],
                          'cell 1: figure images/nowhere.png is missing'),
        'docs_build_fails': ([title, _code('#| export\ndef f(): pass'), _code('import os\nx = undefined_name')],
                             "cell 2: nbdev cannot process the page, so nbdev-docs fails: NameError: name "
                             "'undefined_name' is not defined at `x = undefined_name`"),
        'stored_warning': ([title, _code('fit()', _stream('stderr', "/x.py:3: UserWarning: lr is high\n  w()\n"))],
                           'cell 1: stored warning in stderr: /x.py:3: UserWarning: lr is high'),
    }
    good = _nb(title, _md('Warnings are printed, see `![x](nowhere.png)`; in /opt/x; [a link](https://a.org/home/b).'),
               _code('plot()', _stream('stdout', 'Warning: this is stdout text\n'), _fig(_png(40, 30))),
               _code('fit()', _stream('stderr', 'epoch 1/2: loss 0.25 (the Warnings table is empty)\n')),
               _md('![a figure](images/ok.png)'))
    tmp = Path(tempfile.mkdtemp(prefix='docs-selftest-'))
    try:
        (tmp/'nbs'/'images').mkdir(parents=True)
        (tmp/'nbs'/'images'/'ok.png').write_bytes(base64.b64decode(_png(20, 20)))
        shutil.copy2(Path(root)/'pyproject.toml', tmp/'pyproject.toml')
        (tmp/'nbs'/'good.ipynb').write_text(json.dumps(good))
        for name, (cells, _) in cases.items(): (tmp/'nbs'/f'{name}.ipynb').write_text(json.dumps(_nb(*cells)))
        _, figures, problems = run(tmp, tmp/'html', workers=0, quiet=True)
        fails = []
        for name, (_, want) in cases.items():
            got = [p for p in problems if p.startswith(f'nbs/{name}.ipynb')]
            if not any(p.startswith(f'nbs/{name}.ipynb {want}') for p in got):
                fails.append(f'{name}: wanted "{want}", got {got or "nothing"}')
        fails += [f'good: false alarm "{p}"' for p in problems if p.startswith('nbs/good.ipynb')]
        for f in fails: print(f'docs self-test: {f}')
        missed = sum(not f.startswith('good:') for f in fails)
        print(f'docs self-test: {len(cases)} broken pages, {len(cases) - missed} caught as they should be; '
              f'a clean page {"FAILS" if any(f.startswith("good:") for f in fails) else "passes"}')
        return not fails
    finally: shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', type=Path, help='folder for the HTML pages (default: a new temp dir)')
    ap.add_argument('--workers', type=int, default=os.cpu_count(), help='processes for nbdev processing')
    ap.add_argument('--cache', type=Path, help="keep nbdev's processing here and reuse it for unchanged notebooks")
    ap.add_argument('--notes', action='store_true', help='list the cells nbdev-docs runs on every page')
    ap.add_argument('--self-test', action='store_true', help='check that broken pages are caught, then exit')
    a = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    if a.self_test: sys.exit(0 if self_test(root) else 1)
    out = (a.out or Path(tempfile.mkdtemp(prefix='cellrep-docs-'))).resolve()
    t = time.time()
    pages, figures, problems = run(root, out, a.workers, cache=a.cache and a.cache.resolve(), all_notes=a.notes)
    for p in problems: print(p)
    print(f'docs: {len(pages)} pages, {figures} figures checked, {len(problems)} problems ({time.time()-t:.0f}s); '
          f'HTML in {out}')
    sys.exit(1 if problems else 0)


if __name__ == '__main__': main()
