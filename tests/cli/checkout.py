"""Environment for a ``ptcc`` subprocess that runs this checkout's code.

The console script imports the installed package; in a git worktree beside the installed
checkout that is another copy of the code. ``platform.subprocess(..., **CODE)`` puts this
checkout first on the subprocess's path (a no-op where the two are the same).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))}
