"""Check a built cellrep wheel as users get it: every module of cellrep/ is in it, nothing else is,
and (run with the installed wheel's Python, from outside the clone) every module imports from the wheel.

  python check_wheel.py contents WHEEL SOURCE_DIR   # compare the wheel's modules with cellrep/**/*.py
  python check_wheel.py imports SOURCE_DIR          # import every module; fail if one comes from SOURCE_DIR
"""
import importlib, sys, warnings, zipfile
warnings.filterwarnings('ignore', category=FutureWarning)  # fastai's torch.jit.script warning on import
from pathlib import Path

def source_modules(src):
    src = Path(src)
    return sorted('.'.join(p.relative_to(src).with_suffix('').parts).removesuffix('.__init__')
                  for p in (src/'cellrep').rglob('*.py') if '__pycache__' not in p.parts)

def contents(wheel, src):
    names = zipfile.ZipFile(wheel).namelist()
    in_wheel = sorted(n[:-3].replace('/', '.').removesuffix('.__init__') for n in names if n.endswith('.py'))
    missing = sorted(set(source_modules(src)) - set(in_wheel))
    extra = sorted(n for n in names if not (n.startswith('cellrep/') or '.dist-info/' in n))
    if missing: sys.exit(f"the wheel lacks module(s) {', '.join(missing)} (check [tool.setuptools.packages.find] in pyproject.toml)")
    if extra: sys.exit(f"the wheel holds file(s) outside cellrep/: {', '.join(extra[:10])}")
    print(f"wheel {Path(wheel).name}: all {len(in_wheel)} modules of cellrep/, nothing else")

def imports(src):
    src, bad = Path(src).resolve(), []
    for name in source_modules(src):
        try: mod = importlib.import_module(name)
        except Exception as e: bad.append(f"{name} ({type(e).__name__}: {e})"); continue
        if Path(mod.__file__).resolve().is_relative_to(src): bad.append(f"{name} (imported from the clone, {mod.__file__}, not from the wheel)")
    if bad: sys.exit("installed wheel: cannot import " + '; '.join(bad))
    print(f"installed wheel: all {len(source_modules(src))} modules import from {Path(importlib.import_module('cellrep').__file__).parent}")
    from cellrep.core import data_root
    print(f"installed wheel, run from {Path.cwd()}: data root {data_root()}")

if __name__ == '__main__':
    {'contents': contents, 'imports': imports}[sys.argv[1]](*sys.argv[2:])
