"""Crystal structure prediction with RL over basin-hopping moves (paper 000, RLCSP): `engines` (energies and
relaxations), `moves` (random structures and the nine moves), `policies` (policies over moves), `search` (basin
hopping and whole runs). Everything public is importable from `crystal_design.csp` as well."""
from .engines import *   # noqa: F403
from .moves import *     # noqa: F403
from .policies import *  # noqa: F403
from .search import *    # noqa: F403
