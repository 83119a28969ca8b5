"""Simulation core of Gradient Explorer: pure NumPy/SciPy, no UI imports.

Every quantity that can explode or vanish is returned in log domain
(``log_*`` means natural log unless the name says ``log10``).

The public API is the union of the submodules' ``__all__``:

- :mod:`explorer.sim.activations`: activation functions, ``gamma = sup|f'|``,
  Gaussian moments of ``f'`` by quadrature.
- :mod:`explorer.sim.random_matrices`: seeded Gaussian/orthogonal matrices and
  rescaling to a target spectral norm or radius.
- :mod:`explorer.sim.matrices`: safe parsing of typed matrices.
- :mod:`explorer.sim.power`: the power method on ``W^t x``
  (Goodfellow et al., *Deep Learning*, §8.2.5).
- :mod:`explorer.sim.spectra`: ``||W^t||`` growth, transient growth of
  non-normal matrices, matrices with a prescribed spectrum.
- :mod:`explorer.sim.rnn`: RNN trajectories and Jacobian products
  (Pascanu, Mikolov & Bengio 2013).
- :mod:`explorer.sim.deep`: per-layer gradients of a deep feedforward network.
"""

from explorer.sim import _regime, activations, deep, matrices, power, random_matrices, rnn, spectra
from explorer.sim._regime import *  # noqa: F403
from explorer.sim.activations import *  # noqa: F403
from explorer.sim.deep import *  # noqa: F403
from explorer.sim.matrices import *  # noqa: F403
from explorer.sim.power import *  # noqa: F403
from explorer.sim.random_matrices import *  # noqa: F403
from explorer.sim.rnn import *  # noqa: F403
from explorer.sim.spectra import *  # noqa: F403

__all__ = [
    *_regime.__all__,
    *activations.__all__,
    *random_matrices.__all__,
    *matrices.__all__,
    *power.__all__,
    *spectra.__all__,
    *rnn.__all__,
    *deep.__all__,
]
