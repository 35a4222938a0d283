__version__ = "0.0.1"

import warnings
# fastai 2.8 calls the deprecated `torch.jit.script` on import; the FutureWarning is harmless and would otherwise
# show a site-packages path in every notebook output and on every command line's stderr
warnings.filterwarnings('ignore', message='.*torch.jit.script.*', category=FutureWarning)
