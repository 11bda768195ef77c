"""Load the demo data into a Tryton database through proteus.

    python -m demo --database qms --config config/sqlite.conf

Every step looks its records up by a natural key before creating them, so
running it again neither fails nor duplicates anything.
"""
import argparse

from proteus import config as pconfig

from . import aftersales, base, sales, trace, walkthrough

STEPS = [base, sales, trace, aftersales, walkthrough]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', '-d', required=True)
    parser.add_argument('--config', '-c', default=None)
    args = parser.parse_args()
    cfg = pconfig.set_trytond(args.database, config_file=args.config)
    for step in STEPS:
        step.load(cfg)
    print(base.logins_text())


if __name__ == '__main__':
    main()
