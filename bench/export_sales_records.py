#!/usr/bin/env python3
# This file is part of the QMS modules for Tryton.
"""Time the xlsx export of the sales records (constant memory).

Run generate_history.py with --sales-records N first, then:
  .venv/bin/python bench/export_sales_records.py [--db qms_bench]
Prints rows per second and the peak resident memory of the process.
"""
import argparse
import os
import resource
import sys
import tempfile
import time

import generate_history  # noqa: F401 (sets the database defaults)

from trytond import backend
from trytond.modules.qms_trace.export import (
    SALES_COLUMNS, iter_table, write_xlsx)
from trytond.pool import Pool
from trytond.transaction import Transaction


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--db', default='qms_bench')
    args = parser.parse_args()

    pool = Pool(args.db)
    pool.init()
    with Transaction().start(args.db, 0, readonly=True):
        SalesRecord = pool.get('qms.sales.record')
        Result = pool.get('qms.export.result')
        header = Result.header(SalesRecord, SALES_COLUMNS)
        before = maxrss_mb()
        fd, path = tempfile.mkstemp(suffix='.xlsx')
        os.close(fd)
        try:
            start = time.perf_counter()
            rows = write_xlsx(path, [('Sales Records', header,
                        iter_table(SalesRecord, SALES_COLUMNS))])
            elapsed = time.perf_counter() - start
            size = os.path.getsize(path) / 1024 / 1024
        finally:
            os.unlink(path)
        print(f"backend: {backend.name}, exported {rows} sales records "
            f"({len(SALES_COLUMNS)} columns) in {elapsed:.1f} s: "
            f"{rows / elapsed:,.0f} rows/s, file {size:.1f} MB")
        print(f"peak resident memory: {maxrss_mb():.0f} MB "
            f"(before the export: {before:.0f} MB)")
    return 0


if __name__ == '__main__':
    sys.exit(main())
