"""NumPy snippets of the gated-memory page: each figure's numbers from explorer.sim at the current settings (pure).

Each function takes what its figure takes (the page settings, and the figure's own
controls as keywords) and returns Python source for a notebook; the test-suite runs
them and compares their variables with the page's numbers. The race's snippet trains
the three cells, as a notebook would (a few seconds of CPU).
"""

from __future__ import annotations

from explorer.lessons.gated import reading as rd

HEAD = "import numpy as np\nfrom explorer import sim\n\n"


def cells_code(s: rd.ProductSettings) -> str:
    """The first figure's random tanh RNN, LSTM and GRU (PyTorch initialisation), fed one sequence of the task."""
    return (f"T, n, seed, bias = {s.T}, {s.n}, {s.seed}, {s.fbias!r}\n"
            f"x, _ = sim.first_symbol_batch(T - 1, {rd.RACE_SYMBOLS}, 1, np.random.default_rng(seed))\n"
            "inputs = x[:, 0, :]  # one sequence: one-hot symbols, the first flagged\n"
            "m = inputs.shape[1]\n"
            "W_x, W_h, b = sim.random_lstm_weights(n, m, forget_bias=bias, horizon=max(T, 2), seed=seed)\n"
            "lstm = sim.simulate_lstm(W_x, W_h, b, inputs, np.zeros(n), np.zeros(n))\n"
            "gx, gh, bx, bh = sim.random_gru_weights(n, m, update_bias=bias, horizon=max(T, 2), seed=seed)\n"
            "gru = sim.simulate_gru(gx, gh, bx, bh, inputs, np.zeros(n))\n"
            "rng = np.random.default_rng([seed, 3])\n"
            "lim = 1.0 / np.sqrt(n)\n"
            "W_rec = rng.uniform(-lim, lim, (n, n))\n"
            "rnn = sim.simulate_rnn(W_rec, rng.uniform(-lim, lim, (n, m)), rng.uniform(-lim, lim, n), inputs,\n"
            "                       np.zeros(n), 'tanh', 'elman')\n")


def products(page: rd.PageSettings, T: int = rd.DEFAULT_T, **_) -> str:
    s = rd.ProductSettings(page.fbias, int(T))
    return (HEAD + cells_code(s)
            + "# ln ||ds_T/ds_k||_2 for k = 0..T (lag T - k)\n"
              "log_rnn = sim.jacobian_log_norms(rnn)\n"
              "log_lstm = sim.lstm_jacobian_log_norms(lstm)  # s = (h, c)\n"
              "log_gru = sim.gru_jacobian_log_norms(gru)\n"
              "log_cell = sim.lstm_cell_path_log_norms(lstm)  # the cell path prod diag(f) alone\n"
              f"lag = {min(rd.READ_LAG, s.T)}\n"
              "for name, a in [('rnn', log_rnn), ('lstm', log_lstm), ('gru', log_gru), ('cell', log_cell)]:\n"
              "    print(name, 'log10 at lag', lag, ':', a[T - lag] / np.log(10))\n")


def gates(page: rd.PageSettings, **_) -> str:
    s = rd.ProductSettings(page.fbias)
    return (HEAD + cells_code(s)
            + "forget, input_gate = lstm.f.ravel(), lstm.i.ravel()  # every unit and step\n"
              "rnn_slope = rnn.derivatives.ravel()  # tanh' on the diagonal of each RNN factor\n"
              f"edges = np.linspace(0.0, 1.0, {rd.HIST_BINS + 1})\n"
              "shares = {name: np.histogram(np.clip(v, 0.0, 1.0), bins=edges)[0] / v.size\n"
              "          for name, v in [('forget', forget), ('input', input_gate), ('rnn', rnn_slope)]}\n"
              "print('geometric-mean forget gate:', np.exp(np.mean(np.log(forget))))\n")


def race(page: rd.PageSettings, **_) -> str:
    s = rd.RaceSettings.of(page)
    clip = rd.RACE_CLIP if s.clip else None
    return (HEAD + "# A few seconds of CPU per cell: exact BPTT and Adam on the first-symbol task\n"
            f"runs = {{cell: sim.train_sequence_model(cell, lag={s.lag}, forget_bias={s.fbias!r}, clip={clip!r})\n"
            "        for cell in ('rnn', 'lstm', 'gru')}\n"
            "for cell, run in runs.items():\n"
            "    print(cell, 'final accuracy', run.final_accuracy, 'chance', run.chance)\n"
            "    # ln ||dL/dh_k|| at the first checkpoint, from the first symbol to the read-out\n"
            "    print('  log10 gradient at the first symbol / at the read-out:',\n"
            "          (run.grad_log_norms[0, 0] - run.grad_log_norms[0, -1]) / np.log(10))\n")


def paths(page: rd.PageSettings, **_) -> str:
    s = rd.ProductSettings(page.fbias)
    return (HEAD + cells_code(s)
            + "distance = np.arange(1, T + 1)\n"
              "factors = {'rnn': distance.astype(float), 'cell': distance.astype(float),\n"
              "           'attention': np.ones(distance.size)}  # multiplications on the shortest path\n"
              "log_rnn = sim.jacobian_log_norms(rnn)\n"
              "log_cell = sim.lstm_cell_path_log_norms(lstm)\n"
              f"lag = {min(rd.READ_LAG, s.T)}\n"
              "print('log10 at lag', lag, ': rnn', log_rnn[T - lag] / np.log(10),\n"
              "      'cell', log_cell[T - lag] / np.log(10))\n")
