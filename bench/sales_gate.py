"""Benchmark the qualification gate on sale confirmation.

    .venv/bin/python bench/sales_gate.py [--pg] [--repeat 7]

Builds a fresh database (SQLite in memory; PostgreSQL too with --pg or when
QMS_PG_URI is set) with qms_sales, one qualified customer, an authorised
salesperson and 200 registered devices, then confirms a 20-line and a
200-line sale with the gate and with the checker patched out in this process
only (same data, same run).  Each confirmation runs in its own transaction,
rolled back afterwards, so every run confirms the same quotation.

Prints the median time, the SQL queries per confirmation, and the ratio
gate / no gate (target: at most 1.3; the gate's queries must not grow with
the lines).
"""
import argparse
import datetime as dt
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
    parser.add_argument('--repeat', type=int, default=7)
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

    from trytond.modules.company.tests import (
        create_company, create_employee)
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


def run(uri, repeat):
    from trytond.pool import Pool
    from trytond.tests.test_tryton import (
        DB_NAME, activate_module, drop_db)
    from trytond.transaction import Transaction

    started = time.monotonic()
    drop_db()
    activate_module(['qms_sales'])
    with Transaction().start(DB_NAME, 1) as transaction:
        sales = build(max(SIZES))
        transaction.commit()
    backend = uri.split(':')[0]
    print(f"== {backend}: database built in "
        f"{time.monotonic() - started:.0f} s")

    pool = Pool(DB_NAME)
    Checker = pool.get('qms.checker')
    User = pool.get('res.user')
    results = {}
    for gate in [True, False]:
        for lines, sale_id in sales.items():
            times, queries = [], []
            for _ in range(repeat + 1):
                with Transaction().start(DB_NAME, 1) as transaction:
                    with transaction.set_context(
                            User.get_preferences(context_only=True)):
                        Sale = pool.get('sale.sale')
                        sale = Sale(sale_id)
                        with count_queries(transaction.connection) as count, \
                                patch.object(Checker, 'enforce',
                                    classmethod(lambda *a: None)
                                    if not gate else Checker.enforce):
                            start = time.perf_counter()
                            Sale.confirm([sale])
                            times.append(time.perf_counter() - start)
                        queries.append(count[0])
                        transaction.rollback()
            times = times[1:]  # the first run warms the caches
            results[gate, lines] = statistics.median(times), queries[-1]
    print(f"{'lines':>6} {'gate ms':>9} {'no gate ms':>11} {'ratio':>6} "
        f"{'gate queries':>13} {'no gate queries':>16} {'added':>6}")
    for lines in sales:
        (t1, q1), (t0, q0) = results[True, lines], results[False, lines]
        print(f"{lines:>6} {t1 * 1000:>9.1f} {t0 * 1000:>11.1f} "
            f"{t1 / t0:>6.2f} {q1:>13} {q0:>16} {q1 - q0:>6}")
    added = {lines: results[True, lines][1] - results[False, lines][1]
        for lines in sales}
    ratio = results[True, max(SIZES)][0] / results[False, max(SIZES)][0]
    print(f"ratio at {max(SIZES)} lines: {ratio:.2f} (target <= 1.3); "
        "gate queries "
        + ("constant" if len(set(added.values())) == 1 else "GROW")
        + f" ({', '.join(f'{n} lines: {q}' for n, q in added.items())})")
    drop_db()
    return 0


if __name__ == '__main__':
    sys.exit(main())
