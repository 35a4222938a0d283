from .screen import *
from .synthetic import *
from .lincs import *
