"""python -m innercircle"""

from innercircle.cli import main

main(prog_name="innercircle")
