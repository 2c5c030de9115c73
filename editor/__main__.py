"""``python -m editor`` starts the window, like the ``galley`` command."""

import multiprocessing

from editor.app import main

# The guard matters: render worker processes are started with "spawn", which
# imports the main module again (as __mp_main__) in each child.
if __name__ == "__main__":
    # In a frozen (PyInstaller) build, a worker process re-runs this program;
    # freeze_support turns that run into the worker instead of a new window.
    multiprocessing.freeze_support()
    raise SystemExit(main())
