"""Gradient Explorer: an interactive explanation of vanishing and exploding gradients."""

import os

# One hosted process serves every viewer. Multi-threaded BLAS on a small shared
# machine makes concurrent reruns fight over the cores (measured: 2-10x slower
# under load), so each computation runs on one core unless the host says
# otherwise. This must happen before NumPy is first imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
