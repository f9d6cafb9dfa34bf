"""``python -m likeness_watch`` is the same as the ``likeness-watch`` command."""

from likeness_watch.cli import main

if __name__ == "__main__":
    main()
