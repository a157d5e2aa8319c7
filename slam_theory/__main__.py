"""``python -m slam_theory`` is the same as the ``slam-theory`` command."""

from slam_theory.cli import main

raise SystemExit(main())
