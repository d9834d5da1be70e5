"""The package's own surface: what ``import spikesim`` offers."""

import importlib

import spikesim


def test_models_is_the_package_and_lists_the_models():
    """``spikesim.models`` was a function hiding the package (issue 11, item 7)."""
    module = importlib.import_module("spikesim.models.iaf_psc_alpha")
    assert spikesim.models.iaf_psc_alpha is module
    assert module.IafPscAlpha.name == "iaf_psc_alpha"
    names = spikesim.models()
    assert "iaf_psc_alpha" in names and "stdp_synapse" in names
    assert names == spikesim.models.models()


def test_one_version_string():
    from importlib.metadata import version

    assert spikesim.__version__ == version("spikesim")
