"""``python -m kubelint``."""

from kubelint.cli import main

main()
