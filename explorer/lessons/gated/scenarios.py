"""Scenarios of the gated-memory page (plain values; the first is the default race)."""

from explorer.scenario import Scenario

DEFAULTS = {"lag": 50, "fbias": "chrono", "clip": True, "T": 300}
"""Every control at its default: the race of ``explorer.sim.train_sequence_model``'s defaults."""


def _with(**changes) -> dict:
    return {**DEFAULTS, **changes}


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "long_lag",
        "Long lag: only the gated cells learn",
        "Recall a symbol 50 steps back: the LSTM and the GRU learn it, the tanh RNN's gradient never gets there.",
        _with(),
    ),
    Scenario(
        "short_lag",
        "Short lag: everyone learns",
        "Five steps back the RNN's product has not vanished yet, and all three cells solve the task.",
        _with(lag=5),
    ),
    Scenario(
        "forget_bias_zero",
        "Forget bias 0: the gates forget",
        "PyTorch's plain default puts f near ½, so the cell path halves every step: the LSTM loses its advantage.",
        _with(fbias="zero"),
    ),
    Scenario(
        "forget_bias_one",
        "Forget bias 1 (Jozefowicz et al.)",
        "f ≈ 0.73 keeps more than ½ but still decays geometrically: better, yet slow to learn at lag 50.",
        _with(fbias="one"),
    ),
    Scenario(
        "chrono",
        "Chrono initialisation, long horizon",
        "Forget biases spread as ln U(1, T): some units remember for about T steps (Tallec & Ollivier 2018).",
        _with(fbias="chrono", T=1000),
    ),
    Scenario(
        "no_clip",
        "Clipping off",
        "Without gradient-norm clipping the raw gradients reach norms in the hundreds, and at these settings the "
        "LSTM no longer learns in the budget (the GRU still does).",
        _with(clip=False),
    ),
)


LONG_HORIZON = 500
"""Horizons T above this make the products figure heavy work (about 0.5 s of CPU at T = 1000)."""

WARM_QUERIES: tuple[str, ...] = tuple(
    f"gm_lag={lag}&gm_fbias={fbias}&gm_clip={'true' if clip else 'false'}"
    for lag in range(5, 61, 5) for fbias in ("chrono", "one", "zero") for clip in (True, False)
) + tuple(
    f"gm_fbias={fbias}&gm_T={T}"
    for T in sorted({s.values["T"] for s in SCENARIOS if s.values["T"] > LONG_HORIZON})
    for fbias in ("chrono", "one", "zero")
)
"""Every race the page's controls can ask for (the lag slider moves in steps of 5), then the products
of every forget bias at each scenario's long horizon. The server's warm-up computes them all in the
background after the scenario links, so no viewer waits for a training run, a room changing the lag
costs the server nothing, and neither does a room changing the forget bias on a long-horizon link."""
