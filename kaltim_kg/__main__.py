"""`python -m kaltim_kg` is the `kaltim-kg` command."""

from kaltim_kg.cli import main

main()
