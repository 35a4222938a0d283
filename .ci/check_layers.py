"""The package's layering, from its source: every `cellrep` import (at module level or inside a function) runs down
the notebook order (a module imports only modules whose notebooks come earlier), so the import graph has no cycle.
Prints the layers and exits 1 with one line per import that runs back up. Usage: python .ci/check_layers.py [ROOT]"""
import ast, json, re, sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else '.')

def notebook_of(py):
    "The notebook a module is exported from (nbdev's header), or None for a hand-written module"
    m = re.search(r'File to edit: \.\./(?:\.\./)*nbs/(\S+?)\.ipynb', py.read_text()[:400])
    return m and m.group(1)

def module_name(py): return '.'.join(py.relative_to(root).with_suffix('').parts).removesuffix('.__init__')

def imports(py, name):
    "The cellrep modules `py` imports, resolving relative imports"
    pkg = name if py.name == '__init__.py' else name.rpartition('.')[0]
    out = set()
    for node in ast.walk(ast.parse(py.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                parts = pkg.split('.')[:len(pkg.split('.')) - node.level + 1]
                base = '.'.join(parts + ([base] if base else []))
            for a in node.names: out.add(f'{base}.{a.name}' if f'{base}.{a.name}' in mods else base)
        elif isinstance(node, ast.Import): out |= {a.name for a in node.names}
    return {m for m in out if m in mods and m != name}

files = {module_name(p): p for p in (root/'cellrep').rglob('*.py') if p.name != '_modidx.py'}
mods = set(files)
order = {m: notebook_of(p) for m, p in files.items()}
graph = {m: imports(p, m) for m, p in files.items()}
bad = []
for m, deps in sorted(graph.items()):
    for d in sorted(deps):
        if order[m] is None or order[d] is None: continue  # hand-written package __init__s re-export lazily
        if order[d] >= order[m]: bad.append(f'{m} ({order[m]}) imports {d} ({order[d]}), a module above it')

def cyclic():
    "A cycle in the import graph, or None"
    state = {}
    def visit(m, path):
        state[m] = 1
        for d in graph[m]:
            if state.get(d) == 1: return path + [m, d]
            if d not in state and (c := visit(d, path + [m])): return c
        state[m] = 2
    for m in graph:
        if m not in state and (c := visit(m, [])): return c
cycle = cyclic()
if cycle: bad.append('import cycle: ' + ' -> '.join(cycle))
depth = {}
def level(m): 
    if m not in depth: depth[m] = 0; depth[m] = 1 + max((level(d) for d in graph[m]), default=-1)
    return depth[m]
if not cycle:
    layers = {}
    for m in graph: layers.setdefault(level(m), []).append(m)
    for k in sorted(layers): print(f'layer {k}: ' + ', '.join(sorted(layers[k])))
for b in bad: print(b)
print(f'layers: {len(mods)} modules, {sum(map(len, graph.values()))} imports, {len(bad)} running back up or round')
sys.exit(1 if bad else 0)
