"""``python -m storyline …`` is the ``storyline`` command."""

from storyline.interfaces.cli import main

main()
