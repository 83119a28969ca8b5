"""The Jacobian-bound page's URL-bound controls, laid out in the container they are given.

Each function is called where its controls belong: inside the figure they drive (figure-local),
or in the closed view's expander (so every scenario value reaches the address bar whichever
view is open). URL keys are ``jac_<name>`` and must never change: slides link to them.
"""

from explorer import sim
from explorer.app import Controls
from explorer.chartkit import ACTIVATION_LABELS as LABEL
from explorer.lessons.jacobian import reading as rd
from explorer.lessons.jacobian.scenarios import DEEP_DEFAULTS as D
from explorer.lessons.jacobian.scenarios import RNN_DEFAULTS as R


def rnn_controls(c: Controls, box) -> rd.RNNSettings:
    """The recurrent network, in three rows that stay whole at 1024 px with the sidebar open."""
    row = box.columns(3, gap="medium")
    act = c.select("act", "Activation σ", sim.ACTIVATIONS, R["act"], format_func=LABEL.__getitem__, container=row[0])
    form = c.segmented("form", "Update rule", tuple(rd.FORMS), R["form"], format_func=rd.FORMS.__getitem__,
                       container=row[1], help="Pascanu (the paper's eq. 2): x_t = W σ(x_{t−1}) + W_in u_t + b. "
                       "Elman (textbook): x_t = σ(W x_{t−1} + W_in u_t + b).")
    kind = c.select("kind", "W_rec family", tuple(rd.KINDS), R["kind"], format_func=rd.KINDS.__getitem__,
                    container=row[2], help="Nilpotent: ones on the superdiagonal — every eigenvalue is 0, the "
                    "singular values are not.")
    scale_row = box.columns([2.2, 1.6, 1], gap="medium")  # wide enough for the target label at 1024 px
    tkind = c.segmented("tkind", "Target: σ_max or spectral radius ρ", tuple(rd.TARGET_KINDS), R["tkind"],
                        format_func=rd.TARGET_KINDS.__getitem__, container=scale_row[0],
                        help="The bound is about σ_max. Targeting ρ instead shows how different the two can be.")
    target = c.slider("target", "Target value", 0.05, 16.0, R["target"], 0.05, container=scale_row[1],
                      help="σ_max (or ρ) of the built W_rec. 1/γ is 1 for tanh and ReLU, 4 for the sigmoid.")
    seed = c.number("seed", "Seed", 0.0, 10_000.0, R["seed"], 1.0, fmt="%.0f", container=scale_row[2])
    row = box.columns(4, gap="medium")
    n = c.slider("n", "Hidden size n", 2, 256, R["n"], 1, container=row[0])
    T = c.slider("T", "Steps T", 10, 1000, R["T"], 10, container=row[1])
    inp = c.slider("inp", "Input scale", 0.0, 5.0, R["inp"], 0.01, container=row[2],
                   help="Standard deviation of the inputs u_t; large inputs saturate tanh and sigmoid.")
    bias = c.slider("bias", "Bias b", -2.0, 2.0, R["bias"], 0.1, container=row[3])
    if warning := rd.target_warning(kind, tkind):
        box.warning(warning, icon=":material/warning:")
    return rd.RNNSettings.from_values(dict(act=act, form=form, kind=kind, target=target, tkind=tkind, n=n, T=T,
                                           inp=inp, bias=bias, seed=seed))


def sweep_control(c: Controls, box) -> list:
    return c.multiselect("sweep", "Compare activations", sim.ACTIVATIONS, R["sweep"], format_func=LABEL.__getitem__,
                         container=box, max_selections=4, help="Each activation has its own threshold 1/γ.")


def decades_control(c: Controls, box) -> int:
    return c.slider("decades", "A term counts within 10^−d of the largest: d", 1, 15, R["decades"], 1, container=box,
                    help="How many decades below the largest temporal contribution a term may be and still count.")


def deep_controls(c: Controls, box) -> rd.DeepSettings:
    """The deep network: the choices, then the four sliders."""
    row, sliders = box.columns(3, gap="medium"), box.columns(4, gap="medium")
    return rd.DeepSettings.capped(
        act=c.select("d_act", "Activation σ", sim.ACTIVATIONS, D["d_act"], format_func=LABEL.__getitem__,
                     container=row[0]),
        init=c.select("d_init", "Initialisation", sim.INIT_SCHEMES, D["d_init"], format_func=rd.INITS.__getitem__,
                      container=row[1], help="Gaussian: variance σ_w²/width. Xavier (Glorot & Bengio 2010) and He "
                      "(He et al. 2015) rescale it; orthogonal weights have ‖w‖₂ = σ_w."),
        seed=int(c.number("d_seed", "Seed", 0.0, 10_000.0, D["d_seed"], 1.0, fmt="%.0f", container=row[2])),
        sigma_w=float(c.slider("d_sw", "Weights σ_w", 0.1, 5.0, D["d_sw"], 0.05, container=sliders[0],
                               help="Multiplies the scheme's standard deviation.")),
        sigma_b=float(c.slider("d_sb", "Biases σ_b", 0.0, 2.0, D["d_sb"], 0.05, container=sliders[1],
                               help="Standard deviation of the biases b^l.")),
        depth=int(c.slider("d_depth", "Depth L", 2, 100, D["d_depth"], 1, container=sliders[2])),
        width=int(c.slider("d_width", "Width", 2, 512, D["d_width"], 1, container=sliders[3])))
