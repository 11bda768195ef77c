#!/usr/bin/env python3
# This file is part of the QMS modules for Tryton.
"""Time the xlsx export of the sales records (constant memory).

Run generate_history.py with --sales-records N first, then:
  .venv/bin/python bench/export_sales_records.py [--db qms_bench]
      [--baseline-rows 100000]
Exports every sales record with the module's writer (export.write_xlsx),
then the first --baseline-rows records with xlsxwriter's per-cell API
(write_string, write_number, write_datetime, the baseline), each in a
fresh process, and prints rows per second, peak resident memory and the
ratio.
"""
import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from itertools import islice

import generate_history  # noqa: F401 (sets the database defaults)
import xlsxwriter

from trytond import backend
from trytond.modules.qms_trace.export import (
    SALES_COLUMNS,
    iter_table,
    write_xlsx,
)
from trytond.pool import Pool
from trytond.transaction import Transaction


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_per_cell(path, header, rows):
    "The baseline: xlsxwriter's public per-cell API in constant memory"
    workbook = xlsxwriter.Workbook(path, {
            'constant_memory': True, 'default_date_format': 'yyyy-mm-dd'})
    sheet = workbook.add_worksheet('Sales Records')
    sheet.write_row(0, 0, header)
    count = 0
    for i, row in enumerate(rows, 1):
        for j, value in enumerate(row):
            if value is None:
                continue
            elif isinstance(value, str):
                sheet.write_string(i, j, value)
            elif isinstance(value, (int, float, Decimal)):
                sheet.write_number(i, j, value)
            elif isinstance(value, dt.date):
                sheet.write_datetime(i, j, value)
        count += 1
    workbook.close()
    return count


def run(args):
    "Export in this process and print one line of figures"
    pool = Pool(args.db)
    pool.init()
    with Transaction().start(args.db, 0, readonly=True):
        SalesRecord = pool.get('qms.sales.record')
        Result = pool.get('qms.export.result')
        header = Result.header(SalesRecord, SALES_COLUMNS)
        rows = iter_table(SalesRecord, SALES_COLUMNS)
        if args.limit:
            rows = islice(rows, args.limit)
        before = maxrss_mb()
        fd, path = tempfile.mkstemp(suffix='.xlsx')
        os.close(fd)
        try:
            start = time.perf_counter()
            cpu = time.process_time()
            if args.mode == 'cell':
                count = write_per_cell(path, header, rows)
            else:
                count = write_xlsx(path, [('Sales Records', header, rows)])
            elapsed = time.perf_counter() - start
            cpu = time.process_time() - cpu
            size = os.path.getsize(path) / 1024 / 1024
        finally:
            os.unlink(path)
        print(f"{args.mode} {count} {elapsed:.3f} {cpu:.3f} "
            f"{maxrss_mb():.0f} {before:.0f} {size:.1f}")


def child(args, mode, limit):
    output = subprocess.run([sys.executable, __file__, '--db', args.db,
            '--mode', mode, '--limit', str(limit)],
        check=True, capture_output=True, text=True).stdout
    _, count, elapsed, cpu, peak, before, size = output.split()
    return (int(count), float(elapsed), float(cpu), float(peak),
        float(before), float(size))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--db', default='qms_bench')
    parser.add_argument('--baseline-rows', type=int, default=100000)
    parser.add_argument('--mode', choices=['stream', 'cell'])
    parser.add_argument('--limit', type=int, default=0)
    args = parser.parse_args()
    if args.mode:
        run(args)
        return 0

    print(f"backend: {backend.name}, {len(SALES_COLUMNS)} columns")
    figures = {}
    for mode, limit, label in [
            ('stream', 0, "row writer (qms_trace.export)"),
            ('cell', args.baseline_rows, "per-cell API (baseline)"),
            ]:
        count, elapsed, cpu, peak, before, size = figures[mode] = child(
            args, mode, limit)
        print(f"{label}: {count} rows in {elapsed:.1f} s, "
            f"{count / elapsed:,.0f} rows/s ({count / cpu:,.0f} rows per "
            f"CPU second of the process), file {size:.1f} MB, "
            f"peak resident memory {peak:.0f} MB "
            f"(before the export: {before:.0f} MB)")
    stream, cell = figures['stream'], figures['cell']
    ratio = (stream[0] / stream[1]) / (cell[0] / cell[1])
    print(f"load average during the run: {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores")
    print(f"rows/s ratio row writer / per-cell API: {ratio:.1f}x "
        f"(target: >= 30,000 rows/s and < 300 MB for 1 M rows)")
    return 0


if __name__ == '__main__':
    sys.exit(main())
