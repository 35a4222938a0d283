"The whole comparison: `compare` and the `cellrep-compare` command (in `cellrep.compare.run`), built from options, training, evaluation, verdicts and the report."

def __getattr__(name):
    # `from cellrep.compare import compare` without importing the whole comparison for its submodules
    if name in ('compare', 'cellrep_compare'):
        from . import run
        return getattr(run, name)
    raise AttributeError(f"module 'cellrep.compare' has no attribute {name!r}")
