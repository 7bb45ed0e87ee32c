"""cptkg.query is a function and cptkg/query/ a subpackage: importing a module of the subpackage after
`import cptkg` (as the first call of cptkg.query does) must not replace the function with the package."""

from __future__ import annotations

import subprocess
import sys


def test_cptkg_query_stays_callable_after_its_first_call_in_a_fresh_interpreter():
    code = (
        "import cptkg\n"
        "rows = cptkg.query('codes-ending-in', segment='ileum')\n"
        "import cptkg.query.card\n"
        "from cptkg.query import parameters\n"
        "print(callable(cptkg.query), len(rows), len(cptkg.query('codes-ending-in', segment='ileum')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "4", "4"]
