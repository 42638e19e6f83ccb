"""Write a generated region (NOT OpenStreetMap data) as ``.osm.pbf``, for benchmarks and tests.

Usage: ``python benchmarks/generate_region.py [OUT.osm.pbf] [--nodes 10000] [--seed 1]``,
then ``codriver region import OUT.osm.pbf``. The generator lives in ``tests/generated_region.py``
(shared with the tests); see its docstring for the layout.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from generated_region import main  # tests/ holds the generator

if __name__ == "__main__":
    sys.exit(main())
