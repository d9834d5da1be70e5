"""Reference V_m of NEST 3.10 for the bit-for-bit tests of the membrane propagators.

Run in NEST's venv:  ~/.venvs/nest/bin/python tools/make_reference_bitwise.py
(writes tests/data/nest/bitwise_vm.json).  The runs themselves are in tests/nest/_bitwise.py,
shared with tests/nest/test_bitwise_vm.py so that both make the same calls: one neuron
driven by ``I_e`` alone (eight steps, several resolutions and parameter sets) and one
driven by two spike generators (120 steps); ``V_m`` as ``float.hex`` strings (exact).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "nest"))
import _bitwise as B  # noqa: E402 - after the path to tests/nest

OUT = ROOT / "tests" / "data" / "nest" / "bitwise_vm.json"


def main() -> None:
    """Write the reference file."""
    nest.set_verbosity("M_ERROR")
    current = []
    for model in B.CURRENT_MODELS:
        for h, params in B.CURRENT_CASES:
            vm = B.current_case(nest, model, h, params)
            if vm is not None:
                current.append({"model": model, "resolution": h, "params": params, "V_m_hex": vm})
    spikes = [{"model": model, "V_m_hex": B.spike_case(nest, model)} for model in B.SPIKE_MODELS]
    OUT.write_text(json.dumps({"nest": nest.__version__, "cases": current, "spike_cases": spikes}, indent=1) + "\n")
    print(f"{len(current)} current cases, {len(spikes)} spike cases -> {OUT}")


if __name__ == "__main__":
    main()
