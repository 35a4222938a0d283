from .summary import *
from .distance import *
from .probe import *
from .cluster import *
from .profiling import *
from .stats import *
