"""`python -m alignkit.cli`, the same as the `alignkit` command; launchers that take a module
use it: `accelerate launch --num_processes 2 -m alignkit.cli train dpo ...`."""

from alignkit.cli import main

if __name__ == "__main__":
    main()
