"""Benchmark the qualification gate on sale confirmation.

    .venv/bin/python bench/sales_gate.py [--pg] [--repeat 7]

Builds a fresh database (SQLite in memory; PostgreSQL too with --pg or when
QMS_PG_URI is set) with qms_sales, one qualified customer, an authorised
salesperson and 200 registered devices, then confirms a 20-line and a
200-line sale with the gate and with the checker patched out in this process
only (same data, same run).  Each confirmation runs in its own transaction,
rolled back afterwards, so every run confirms the same quotation.

Against a noisy machine: gate and no gate alternate within each round
(ABBA order), the first round is discarded, and the ratio is the median of
the per-round ratios, so that a load that changes during the run touches
both sides alike.  Prints median times with their interquartile range, the
time of the gate alone (measured inside the gated confirmation), the SQL
queries per confirmation and the ratio (target: at most 1.3; the queries
the gate adds must not grow with the lines).  Exits with 1 when a target is
missed.
"""
import argparse
import datetime as dt
import gc
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from decimal import Decimal
from unittest.mock import patch

SIZES = [20, 200]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--pg', action='store_true',
        help="also run on PostgreSQL (QMS_PG_URI, "
        "default postgresql://127.0.0.1:5432/)")
    parser.add_argument('--repeat', type=int, default=15,
        help="rounds per size (default 15)")
    parser.add_argument('--run', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        return run(args.run, args.repeat)
    backends = ['sqlite://']
    if args.pg or os.environ.get('QMS_PG_URI'):
        backends.append(
            os.environ.get('QMS_PG_URI', 'postgresql://127.0.0.1:5432/'))
    status = 0
    for uri in backends:
        # trytond reads its database from the environment at import time
        env = dict(os.environ, TRYTOND_DATABASE_URI=uri,
            DB_NAME=':memory:' if uri.startswith('sqlite')
            else f'bench_qms_gate_{os.getpid()}')
        if 'QMS_BENCH_CACHE' in os.environ:  # reuse activated modules
            env['DB_CACHE'] = os.environ['QMS_BENCH_CACHE']
        else:
            env.pop('DB_CACHE', None)
        env.pop('TRYTOND_CONFIG', None)
        status |= subprocess.call([sys.executable, __file__,
                '--run', uri, '--repeat', str(args.repeat)], env=env)
    return status


@contextmanager
def count_queries(connection):
    cursor_class = type(connection.cursor())
    execute = cursor_class.execute
    counter = [0]

    def counting_execute(self, *args, **kwargs):
        counter[0] += 1
        return execute(self, *args, **kwargs)
    with patch.object(cursor_class, 'execute', counting_execute):
        yield counter


def build(size):
    "Create the data and return the ids of the quotations by size"
    from stdnum.cn import uscc

    from trytond.modules.company.tests import create_company, create_employee
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool()
    User = pool.get('res.user')
    Party = pool.get('party.party')
    Category = pool.get('qms.device.category')
    Qualification = pool.get('party.qualification')
    Registration = pool.get('product.registration')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    Authorization = pool.get('qms.sales.authorization')
    Sale = pool.get('sale.sale')

    today = dt.date.today()
    year = dt.timedelta(days=365)
    company = create_company()
    User.write([User(1)], {
            'companies': [('add', [company.id])],
            'company': company.id,
            })
    with Transaction().set_context(User.get_preferences(context_only=True)):
        employee = create_employee(company, "Salesperson")
        User.write([User(1)], {
                'employees': [('add', [employee.id])],
                'employee': employee.id,
                })
        category, = Category.search([('code', '=', '14')])
        customer, manufacturer = Party.create([
                {'name': "Customer", 'buyer_type': 'distributor',
                    'addresses': [('create', [{}])]},
                {'name': "Manufacturer"},
                ])
        number = '91110105MA0100001'
        Qualification.create([{
                    'party': customer.id, 'kind': kind, 'number': number_,
                    'issue_date': today - year,
                    'expiration_date': today + year,
                    'device_classes': ['1', '2', '3'],
                    'categories': [('add', [category.id])],
                    'verified_by': 1, 'verified_date': today,
                    } for kind, number_ in [
                    ('business', number + uscc.calc_check_digit(number)),
                    ('operating', '沪食药监械经营许20180045号')]])
        unit, = Uom.search([('name', '=', 'Unit')])
        registrations = Registration.create([{
                    'number': f'国械注准2016314{i:04d}',
                    'kind': 'registration', 'device_class': '3',
                    'category': category.id, 'name': f"Device {i}",
                    'registrant': manufacturer.id,
                    'manufacturer': manufacturer.id,
                    'issue_date': today - 3 * year,
                    'expiration_date': today + 2 * year,
                    } for i in range(size)])
        templates = Template.create([{
                    'name': f"Device {i}", 'type': 'goods',
                    'default_uom': unit.id, 'sale_uom': unit.id,
                    'salable': True, 'list_price': Decimal(10),
                    'device_class': '3', 'registration': r.id,
                    'products': [('create', [{}])],
                    } for i, r in enumerate(registrations)])
        products = [t.products[0] for t in templates]
        Authorization.create([{
                    'number': 'AUTH-1', 'company': company.id,
                    'employee': employee.id, 'id_number': '110101199001011234',
                    'parties': [('add', [customer.id])],
                    'categories': [('add', [category.id])],
                    'valid_from': today - year, 'valid_to': today + year,
                    }])
        address, = customer.addresses
        sales = {}
        for lines in SIZES:
            sale = Sale(party=customer, invoice_address=address,
                shipment_address=address, invoice_method='manual',
                salesperson=employee, company=company,
                currency=company.currency)
            sale.lines = [{
                    'product': p, 'quantity': 1, 'unit': unit,
                    'unit_price': Decimal(10),
                    } for p in products[:lines]]
            sale.save()
            Sale.quote([sale])
            sales[lines] = sale.id
        return sales


def quantiles(values):
    "Return the median and the interquartile range of values"
    q1, median, q3 = statistics.quantiles(values, n=4, method='inclusive')
    return median, q1, q3


def run(uri, repeat):
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
    from trytond.transaction import Transaction

    started = time.monotonic()
    drop_db()
    activate_module(['qms_sales'])
    with Transaction().start(DB_NAME, 1) as transaction:
        sales = build(max(SIZES))
        transaction.commit()
    backend = uri.split(':')[0]
    print(f"== {backend}: database built in "
        f"{time.monotonic() - started:.0f} s; {repeat} rounds per size, "
        "gate and no gate interleaved (ABBA), each confirmation in its own "
        "rolled back transaction")

    pool = Pool(DB_NAME)
    Checker = pool.get('qms.checker')
    User = pool.get('res.user')
    enforce = Checker.enforce
    gate_times = []

    def timed_enforce(cls, documents, operation):
        start = time.perf_counter()
        try:
            return enforce(documents, operation)
        finally:
            gate_times.append(time.perf_counter() - start)

    def confirm(sale_id, gate):
        "Confirm the quotation, return the time and the SQL queries"
        with Transaction().start(DB_NAME, 1) as transaction:
            with transaction.set_context(
                    User.get_preferences(context_only=True)):
                Sale = pool.get('sale.sale')
                sale = Sale(sale_id)
                gc.collect()
                with count_queries(transaction.connection) as count, \
                        patch.object(Checker, 'enforce', classmethod(
                                timed_enforce if gate
                                else lambda *a: None)):
                    start = time.perf_counter()
                    Sale.confirm([sale])
                    elapsed = time.perf_counter() - start
                transaction.rollback()
        return elapsed, count[0]

    results = {}
    for lines, sale_id in sales.items():
        times = {True: [], False: []}
        queries = {True: set(), False: set()}
        ratios = []
        del gate_times[:]
        for round_ in range(repeat + 1):
            order = [True, False] if round_ % 2 else [False, True]
            pair = {}
            counts = {}
            for gate in order:
                pair[gate], counts[gate] = confirm(sale_id, gate)
            if not round_:  # the first round warms the caches
                del gate_times[:]
                continue
            for gate in pair:
                times[gate].append(pair[gate])
                queries[gate].add(counts[gate])
            ratios.append(pair[True] / pair[False])
        results[lines] = times, queries, ratios, list(gate_times)

    def ms(values):
        median, q1, q3 = quantiles(values)
        return f"{median * 1000:7.1f} ({q1 * 1000:.0f}-{q3 * 1000:.0f})"
    print("median ms (interquartile range); ratio = median of the paired "
        "gate / no gate ratios")
    print(f"{'lines':>5} {'gate':>17} {'no gate':>17} {'gate alone':>15} "
        f"{'ratio':>16} {'queries':>8} {'no gate':>8} {'added':>6}")
    added = {}
    for lines, (times, queries, ratios, gates) in results.items():
        ratio, r1, r3 = quantiles(ratios)
        q1, = queries[True] if len(queries[True]) == 1 else [
            '/'.join(map(str, sorted(queries[True])))]
        q0, = queries[False] if len(queries[False]) == 1 else [
            '/'.join(map(str, sorted(queries[False])))]
        added[lines] = (q1 - q0 if isinstance(q1, int)
            and isinstance(q0, int) else None)
        print(f"{lines:>5} {ms(times[True]):>17} {ms(times[False]):>17} "
            f"{ms(gates):>15} "
            f"{ratio:>6.2f} ({r1:.2f}-{r3:.2f}) "
            f"{q1:>8} {q0:>8} {added[lines]!s:>6}")
    largest = max(SIZES)
    ratio = quantiles(results[largest][2])[0]
    constant = None not in added.values() and len(set(added.values())) == 1
    print(f"ratio at {largest} lines: {ratio:.2f} (target <= 1.3: "
        + ("met" if ratio <= 1.3 else "NOT MET") + "); gate queries "
        + ("constant" if constant else "GROW")
        + f" ({', '.join(f'{n} lines: {q}' for n, q in added.items())})")
    drop_db()
    return 0 if ratio <= 1.3 and constant else 1


if __name__ == '__main__':
    sys.exit(main())
