"""``python -m editor`` starts the window, like the ``galley`` command."""

from editor.app import main

raise SystemExit(main())
