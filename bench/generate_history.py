#!/usr/bin/env python3
# This file is part of the QMS modules for Tryton.
"""Generate a realistic stock history for the trace and export benchmarks.

Creates (or reuses) a database with qms_trace activated, then inserts with
bulk SQL: customers with addresses, lots, one receipt per lot from a
supplier shipment, an internal put-away, deliveries to customers on customer
shipments, a few customer returns and one busy lot delivered about
--busy-deliveries times.  Sales records are inserted with bulk SQL too.

  SQLite (default, small):
    .venv/bin/python bench/generate_history.py
  PostgreSQL, 1 M moves:
    TRYTOND_DATABASE__URI=postgresql://127.0.0.1:5432/ \\
    .venv/bin/python bench/generate_history.py --db qms_bench \\
        --moves 1000000 --lots 100000 --customers 5000
"""
import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
os.environ.setdefault(
    'TRYTOND_DATABASE__PATH', os.path.join(ROOT, 'var', 'bench'))
os.makedirs(os.environ['TRYTOND_DATABASE__PATH'], exist_ok=True)

from trytond import backend  # noqa: E402
from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

BATCH = 10000
START = dt.date(2020, 1, 1)


def parser():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--db', default='qms_bench')
    parser.add_argument('--moves', type=int, default=20000)
    parser.add_argument('--lots', type=int, default=2000)
    parser.add_argument('--customers', type=int, default=500)
    parser.add_argument('--busy-deliveries', type=int, default=1000)
    parser.add_argument('--sales-records', type=int, default=0,
        help="sales records to insert (default: one per delivery)")
    parser.add_argument('--seed', type=int, default=42)
    return parser


def activate(name, modules=('qms_trace',)):
    "Create the database if needed and activate the modules"
    Database = backend.Database
    database = Database().connect()
    if name not in database.list():
        connection = database.get_connection(autocommit=True)
        try:
            database.create(connection, name)
        finally:
            database.put_connection(connection)
        database = Database(name)
        connection = database.get_connection()
        try:
            database.init()
            connection.commit()
        finally:
            database.put_connection(connection)
        Pool(name).init(update=['res', 'ir'], lang=['en'])
    pool = Pool(name)
    pool.init()
    with Transaction().start(name, 0, close=True) as transaction:
        Module = pool.get('ir.module')
        records = Module.search([
                ('name', 'in', modules), ('state', '!=', 'activated')])
        if records:
            Module.activate(records)
            transaction.commit()
            Upgrade = pool.get('ir.module.activate_upgrade', type='wizard')
            instance_id, _, _ = Upgrade.create()
            transaction.commit()
            Upgrade(instance_id).transition_upgrade()
            Upgrade.delete(instance_id)
            transaction.commit()
    return pool


def insert(cursor, table, columns, rows):
    "Insert rows in batches and return their ids (in order)"
    ids = []
    batch = []
    # both backends limit the parameters of a query
    limit = 30000 if backend.name == 'sqlite' else 65000
    size = min(BATCH, limit // len(columns))
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            ids.extend(_insert(cursor, table, columns, batch))
            batch = []
    if batch:
        ids.extend(_insert(cursor, table, columns, batch))
    return ids


def _insert(cursor, table, columns, rows):
    columns = [getattr(table, c) for c in columns]
    if backend.name == 'postgresql':
        cursor.execute(*table.insert(columns, rows, returning=[table.id]))
        return [r[0] for r in cursor]
    # SQLite gives consecutive ids to the rows of one INSERT
    cursor.execute(*table.insert(columns, rows))
    last = cursor.lastrowid
    return list(range(last - len(rows) + 1, last + 1))


def master_data(pool):
    "Create with the ORM the few records the history refers to"
    Company = pool.get('company.company')
    Party = pool.get('party.party')
    Currency = pool.get('currency.currency')
    Category = pool.get('qms.device.category')
    Registration = pool.get('product.registration')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    User = pool.get('res.user')
    companies = Company.search([])
    if companies:
        return companies[0]
    currency, = Currency.create([{
                'name': 'Yuan', 'code': 'CNY', 'symbol': '¥'}])
    party, = Party.create([{
                'name': "Bench Distributor",
                'addresses': [('create', [{'street': "1 Bench Road"}])],
                }])
    company, = Company.create([{'party': party.id, 'currency': currency.id}])
    User.write(User.search([]), {
            'companies': [('add', [company.id])], 'company': company.id})
    registrant, manufacturer = Party.create([
            {'name': "Registrant"}, {'name': "Manufacturer"}])
    category, = Category.search([('code', '=', '13')], limit=1)
    unit, = Uom.search([('name', '=', 'Unit')])
    with Transaction().set_context(company=company.id):
        create_devices(Registration, Template, registrant, manufacturer,
            category, unit)
    return company


def create_devices(
        Registration, Template, registrant, manufacturer, category, unit):
    for i in range(20):
        registration, = Registration.create([{
                    'number': '国械注准2016346%04d' % i,
                    'kind': 'registration',
                    'device_class': '3',
                    'category': category.id,
                    'name': f"Device {i}",
                    'registrant': registrant.id,
                    'manufacturer': manufacturer.id,
                    'manufacturer_license': '浙食药监械生产许20150001号',
                    'issue_date': START,
                    'expiration_date': START + dt.timedelta(days=3650),
                    }])
        Template.create([{
                    'name': f"Device {i}",
                    'type': 'goods',
                    'default_uom': unit.id,
                    'list_price': Decimal(10),
                    'registration': registration.id,
                    'device_class': '3',
                    'products': [('create', [{
                                    'device_model': f'M-{i}',
                                    'device_specification': '10 mm'}])],
                    }])


def generate(pool, args):
    rnd = random.Random(args.seed)
    ModelData = pool.get('ir.model.data')
    Product = pool.get('product.product')
    Party = pool.get('party.party')
    Address = pool.get('party.address')
    Lot = pool.get('stock.lot')
    Move = pool.get('stock.move')
    ShipmentIn = pool.get('stock.shipment.in')
    ShipmentOut = pool.get('stock.shipment.out')
    ShipmentOutReturn = pool.get('stock.shipment.out.return')
    SalesRecord = pool.get('qms.sales.record')
    cursor = Transaction().connection.cursor()
    company = master_data(pool)
    currency = company.currency.id
    loc = {n: ModelData.get_id('stock', f'location_{n}')
        for n in ['warehouse', 'storage', 'supplier', 'customer', 'input',
            'output']}
    products = [(p.id, p.default_uom.id) for p in Product.search([])]
    now = dt.datetime.now()
    stamp = ['create_uid', 'create_date']

    t0 = time.perf_counter()
    party = Party.__table__()
    code = f'B{int(time.time())}-'
    customers = insert(cursor, party, ['name', 'code', 'active'] + stamp,
        ([f"Hospital {i}", f'{code}{i}', True, 0, now]
            for i in range(args.customers)))
    supplier, = insert(cursor, party, ['name', 'code', 'active'] + stamp,
        [["Supplier", f'{code}S', True, 0, now]])
    address = Address.__table__()
    address_columns = ['party', 'street_unstructured', 'city', 'active',
        'sequence'] + stamp
    addresses = dict(zip(customers + [supplier], insert(cursor, address,
                address_columns,
                ([p, f"{p} Health Road", "Hangzhou", True, 10, 0, now]
                    for p in customers + [supplier])), strict=False))

    lot = Lot.__table__()
    lot_products = [rnd.choice(products) for _ in range(args.lots)]
    lots = insert(cursor, lot, ['number', 'product', 'expiration_date',
            'production_date'] + stamp,
        ([f'B{i:07d}', lot_products[i][0],
                START + dt.timedelta(days=1500 + i % 700),
                START - dt.timedelta(days=30), 0, now]
            for i in range(args.lots)))

    # moves per lot: receipt + put-away, then deliveries and returns
    per_lot = max(args.moves - args.busy_deliveries, 0) / max(args.lots, 1)
    shipment_in = ShipmentIn.__table__()
    n_in = (args.lots + 9) // 10
    shipments_in = insert(cursor, shipment_in, ['company', 'supplier',
            'contact_address', 'warehouse', 'warehouse_input',
            'warehouse_storage', 'state', 'number', 'effective_date',
            'planned_date'] + stamp,
        ([company.id, supplier, addresses[supplier], loc['warehouse'],
                loc['input'], loc['storage'], 'done', f'IN{i:06d}',
                START, START, 0, now] for i in range(n_in)))

    shipment_out = ShipmentOut.__table__()
    shipment_return = ShipmentOutReturn.__table__()
    move = Move.__table__()
    move_columns = ['company', 'product', 'unit', 'quantity',
        'internal_quantity', 'from_location', 'to_location', 'lot',
        'shipment', 'state', 'effective_date', 'planned_date', 'unit_price',
        'currency'] + stamp
    moves = []
    outs = []  # (customer, date) of each delivery, in order
    returns = []
    n_moves = 0

    def add_move(lot_id, product, from_, to, qty, shipment, date):
        moves.append([company.id, product[0], product[1], qty, qty,
                from_, to, lot_id, shipment, 'done', date, date,
                Decimal('100'), currency, 0, now])

    def deliver(lot_id, product, date, j):
        customer = rnd.choice(customers)
        day = date + dt.timedelta(days=1 + j % 300)
        outs.append((customer, day))
        add_move(lot_id, product, loc['storage'], loc['customer'], 1,
            len(outs) - 1, day)
        if rnd.random() < 0.02:
            returns.append((customer, day + dt.timedelta(days=5)))
            add_move(lot_id, product, loc['customer'], loc['storage'],
                1, -len(returns), day + dt.timedelta(days=5))

    # the busy lot is received first and delivered all along the history,
    # so that its moves and shipments are spread over the tables as in a
    # real database (not stored side by side)
    busy = lots[0]
    busy_sent = 0
    for i, lot_id in enumerate(lots):
        product = lot_products[i]
        date = START + dt.timedelta(days=i % 1000)
        if lot_id == busy:
            deliveries = 0
            received = args.busy_deliveries * 2 + 10
        else:
            deliveries = max(round(rnd.gauss(per_lot - 2, 2)), 0)
            received = deliveries * 2 + 10
        add_move(lot_id, product, loc['supplier'], loc['input'], received,
            f'stock.shipment.in,{shipments_in[i // 10]}', date)
        add_move(lot_id, product, loc['input'], loc['storage'], received,
            None, date)
        for j in range(deliveries):
            deliver(lot_id, product, date, j)
        while busy_sent < (i + 1) * args.busy_deliveries // len(lots):
            deliver(busy, lot_products[0], START, busy_sent)
            busy_sent += 1
        if len(moves) >= BATCH * 5 or i == len(lots) - 1:
            n_moves += flush(cursor, moves, outs, returns, move,
                move_columns, shipment_out, shipment_return, company, loc,
                addresses, now)
            moves, outs, returns = [], [], []
    t1 = time.perf_counter()
    print(f"inserted {n_moves} done moves, {len(lots)} lots, "
        f"{len(customers)} customers in {t1 - t0:.1f} s")

    records = args.sales_records
    if records:
        insert_sales_records(cursor, SalesRecord, company, records, now)
        print(f"inserted {records} sales records in "
            f"{time.perf_counter() - t1:.1f} s")
    return busy


def flush(cursor, moves, outs, returns, move, move_columns, shipment_out,
        shipment_return, company, loc, addresses, now):
    "Insert the shipments of the batch then its moves"
    stamp_values = [0, now]
    out_ids = insert(cursor, shipment_out, ['company', 'customer',
            'delivery_address', 'warehouse', 'warehouse_storage',
            'warehouse_output', 'state', 'number', 'effective_date',
            'planned_date', 'create_uid', 'create_date'],
        ([company.id, c, addresses[c], loc['warehouse'], loc['storage'],
                loc['output'], 'done', None, d, d] + stamp_values
            for c, d in outs))
    return_ids = insert(cursor, shipment_return, ['company', 'customer',
            'contact_address', 'warehouse', 'warehouse_storage',
            'warehouse_input', 'state', 'number', 'effective_date',
            'planned_date', 'create_uid', 'create_date'],
        ([company.id, c, addresses[c], loc['warehouse'], loc['storage'],
                loc['input'], 'done', None, d, d] + stamp_values
            for c, d in returns))
    for row in moves:
        shipment = row[8]
        if isinstance(shipment, int):
            row[8] = (f'stock.shipment.out,{out_ids[shipment]}'
                if shipment >= 0
                else f'stock.shipment.out.return,'
                f'{return_ids[-shipment - 1]}')
    insert(cursor, move, move_columns, moves)
    return len(moves)


def insert_sales_records(cursor, SalesRecord, company, count, now):
    table = SalesRecord.__table__()
    columns = ['company', 'date', 'product_name', 'device_model',
        'device_specification', 'registration_number', 'quantity', 'unit',
        'unit_price', 'amount', 'currency', 'lot_number', 'expiration_date',
        'production_date', 'registrant_name', 'manufacturer_name',
        'manufacturer_license', 'customer_name', 'customer_address',
        'customer_contact', 'customer_phone', 'customer_license',
        'sale_reference', 'shipment_reference', 'salesperson',
        'retain_until', 'implantable', 'create_uid', 'create_date']
    insert(cursor, table, columns, (
            [company.id, START + dt.timedelta(days=i % 1500),
                f"Device {i % 20}", f'M-{i % 20}', '10 mm',
                '国械注准2016346%04d' % (i % 20), 1.0, 'u',
                Decimal('100.0000'), Decimal('100.00'), 'CNY',
                f'B{i % 100000:07d}', dt.date(2030, 1, 1),
                dt.date(2019, 12, 1), "Registrant", "Manufacturer",
                '浙食药监械生产许20150001号', f"Hospital {i % 5000}",
                f"{i % 5000} Health Road\nHangzhou", "Dr. Wang",
                '+8657188880000', f'LIC-{i % 5000}', f'SO{i:07d}',
                f'OUT{i:07d}', "Li Lei", dt.date(2032, 1, 1), False,
                0, now]
            for i in range(count)))


def main():
    args = parser().parse_args()
    t0 = time.perf_counter()
    pool = activate(args.db)
    print(f"database {args.db!r} ({backend.name}) ready in "
        f"{time.perf_counter() - t0:.1f} s")
    with Transaction().start(args.db, 0, context={'active_test': False}
            ) as transaction:
        busy = generate(pool, args)
        transaction.commit()
        print(f"busy lot id: {busy}")
    if backend.name == 'postgresql':
        # as autovacuum would: statistics and the visibility map
        database = backend.Database(args.db)
        connection = database.get_connection(autocommit=True)
        try:
            connection.cursor().execute('VACUUM ANALYZE')
        finally:
            database.put_connection(connection)
    return 0


if __name__ == '__main__':
    sys.exit(main())
