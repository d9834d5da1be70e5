"""The progress bar (tqdm) of simulate and of the step loop, the ``spikesim`` logger,
``nest.set_verbosity`` on it, and warning categories users can filter."""

from __future__ import annotations

import logging
import re
import sys
import warnings

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty, SimulationWarning, SpikesimWarning
from spikesim.kernel import progress as progress_module
from spikesim.kernel.progress import AUTO_DELAY, Progress, progress_wanted

#: tqdm's last line for a finished 20 ms run: percentage, simulated ms, elapsed<ETA, rate
FINISHED = re.compile(r"simulate: 100%\|[^|]*\| 20\.0/20\.0 ms \[\d\d:\d\d<\d\d:\d\d, +[\d.]+(ms/s|s/ms)\]")


def _sim() -> spikesim.Simulator:
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    sim.create("iaf_psc_delta", 10, {"I_e": 400.0})
    return sim


def test_bar_shows_rate_and_eta_when_asked(capsys):
    _sim().simulate(20.0, progress=True)
    err = capsys.readouterr().err
    assert FINISHED.search(err), err
    assert "0%|" in err  # drawn from the start of the run (asked for: no delay)


def test_print_time_shows_the_bar(capsys):
    sim = _sim()
    sim.print_time = True
    sim.simulate(20.0)
    assert FINISHED.search(capsys.readouterr().err)
    sim.simulate(20.0, progress=False)  # the run's argument wins over print_time
    assert capsys.readouterr().err == ""


def test_nothing_when_stderr_is_not_a_terminal(capsys):
    assert not sys.stderr.isatty()  # capsys replaces stderr
    _sim().simulate(20.0)
    assert capsys.readouterr().err == ""


def test_a_terminal_shows_the_bar_only_for_long_runs(capsys, monkeypatch):
    monkeypatch.setattr(progress_module, "stderr_is_tty", lambda: True)
    assert progress_wanted(False, None) == (True, AUTO_DELAY)
    assert progress_wanted(True, None) == (True, 0.0)
    assert progress_wanted(True, False) == (False, 0.0)
    _sim().simulate(20.0)  # far shorter than AUTO_DELAY seconds of wall time
    assert capsys.readouterr().err == ""


def test_step_loop_shows_one_bar(capsys):
    sim = spikesim.Simulator(resolution=1e-3, seed=2)
    sim.create("qif", 5, {"eta": -5.0}, label="qif")
    sim.run(inputs=np.full((200, 5), 15.0), progress=True)
    err = capsys.readouterr().err
    assert "simulate:" not in err  # the loop's simulate calls draw no bars of their own
    assert re.search(r"run: 100%\|[^|]*\| 0\.2/0\.2 ms \[\d\d:\d\d<\d\d:\d\d", err), err


def test_bad_progress_argument_is_refused():
    sim = _sim()
    with pytest.raises(BadProperty, match="progress"):
        sim.simulate(1.0, progress="yes")  # type: ignore[arg-type]
    assert sim.time == 0.0


def test_run_is_logged_on_the_spikesim_logger(caplog):
    with caplog.at_level(logging.INFO, logger="spikesim"):
        _sim().simulate(20.0)
    assert [r.name for r in caplog.records] == ["spikesim"]
    assert "simulate: 20.0 ms simulated of 20.0 ms" in caplog.records[0].getMessage()


def test_the_library_logger_has_a_null_handler():
    assert any(isinstance(h, logging.NullHandler) for h in logging.getLogger("spikesim").handlers)


def test_set_verbosity_sets_the_logger_level():
    from spikesim import nest
    logger = logging.getLogger("spikesim")
    before = logger.level
    try:
        for name, level in (("M_ALL", logging.DEBUG), ("M_DEBUG", logging.DEBUG), ("M_INFO", logging.INFO),
                            ("M_DEPRECATED", logging.INFO), ("M_WARNING", logging.WARNING),
                            ("M_ERROR", logging.ERROR), ("M_FATAL", logging.CRITICAL)):
            nest.set_verbosity(name)
            assert logger.level == level, name
        nest.set_verbosity("M_QUIET")
        assert logger.level > logging.CRITICAL
        nest.set_verbosity(nest.VerbosityLevel.INFO)
        assert logger.level == logging.INFO and nest.get_verbosity() == nest.VerbosityLevel.INFO
    finally:
        nest.set_verbosity("M_WARNING")
        logger.setLevel(before)


def test_warning_categories_can_be_filtered():
    assert issubclass(SimulationWarning, SpikesimWarning) and issubclass(SimulationWarning, RuntimeWarning)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=SpikesimWarning)
        warnings.warn("hidden", SimulationWarning, stacklevel=1)
        warnings.warn("shown", RuntimeWarning, stacklevel=1)
    assert [str(w.message) for w in seen] == ["shown"]


def test_without_tqdm_one_warning_and_no_bar(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    monkeypatch.setattr(progress_module, "_missing_tqdm_warned", False)
    with pytest.warns(SpikesimWarning, match="pip install tqdm"):
        bar = Progress(100, 0.1, asked=True)
    bar.update(100)
    bar.close()
    assert not bar.shown and capsys.readouterr().err == ""
