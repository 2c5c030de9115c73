"""``python -m editor`` starts the window, like the ``galley`` command."""

from editor.app import main

# The guard matters: render worker processes are started with "spawn", which
# imports the main module again (as __mp_main__) in each child.
if __name__ == "__main__":
    raise SystemExit(main())
