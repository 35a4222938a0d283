"Screens and their data: `Screen`, image indexes, crops, splits, fastai loaders, the synthetic and LINCS A549 screens."
import importlib

# searched in this order; loaders last, as the one that imports fastai
_SUBMODULES = ('screen', 'index', 'crops', 'splits', 'synthetic', 'lincs', 'loaders')

def _all() -> list:
    "Every public name of the submodules (imports them all, fastai included)"
    return [n for s in _SUBMODULES for n in importlib.import_module(f'{__name__}.{s}').__all__]

def __getattr__(name):
    # `from cellrep.data import read_index` imports only the submodules up to the one that defines the name, so that
    # `import cellrep.data.crops` (and the worker processes that run it) never import fastai
    if name == '__all__': return _all()
    if name in _SUBMODULES + ('shards',): return importlib.import_module(f'{__name__}.{name}')
    if not name.startswith('__'):
        for s in _SUBMODULES:
            mod = importlib.import_module(f'{__name__}.{s}')
            if name in mod.__all__: return getattr(mod, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

def __dir__(): return sorted(set(globals()) | set(_SUBMODULES) | set(_all()))
