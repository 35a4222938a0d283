__version__ = "0.0.2"

import os, warnings
# fastai 2.8 calls the deprecated `torch.jit.script` on import; the FutureWarning is harmless and would otherwise
# show a site-packages path in every notebook output and on every command line's stderr
warnings.filterwarnings('ignore', message='.*torch.jit.script.*', category=FutureWarning)
# PyTorch reads THP_MEM_ALLOC_ENABLE once, at its first CPU allocation: set before any, its tensors of 2 MB and more get
# transparent huge pages (one page fault per 2 MB instead of per 4 KB; see `cellrep.core.huge_pages`)
if os.environ.get('CELLREP_KEEP_FREED_MEMORY', '1') != '0': os.environ.setdefault('THP_MEM_ALLOC_ENABLE', '1')
