"""`python -m cptkg`: the command line, as the `cptkg` script runs it."""

from .cli import main

main()
