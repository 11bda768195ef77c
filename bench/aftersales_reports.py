#!/usr/bin/env python
"""Benchmark of the after-sales provider reports.

Loads 100 k tickets with bulk SQL inserts, once with 20 and once with 200
service providers, then runs the weekly service quality report, the monthly
sanction ladder (monthly and running counts), the quarterly training
assessment and the monthly figures (provider ranking, SLA compliance,
complaints, staff appraisal, fund summary), printing the time and the SQL
query count of each.  The query count must be the same for both numbers of
providers.

    .venv/bin/python bench/aftersales_reports.py [--postgresql] [--tickets N]
"""
import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument('--postgresql', action='store_true',
    help="run on PostgreSQL (QMS_PG_URI, default 127.0.0.1:5432)")
parser.add_argument('--tickets', type=int, default=100_000)
parser.add_argument('--providers', type=int, nargs='+', default=[20, 200])
parser.add_argument('--stores', type=int, default=50)
args = parser.parse_args()

if args.postgresql:
    os.environ['TRYTOND_DATABASE_URI'] = os.environ.get(
        'QMS_PG_URI', 'postgresql://127.0.0.1:5432/')
    os.environ['DB_NAME'] = 'bench_qms_%s' % os.getpid()
else:
    os.environ['TRYTOND_DATABASE_URI'] = 'sqlite://'
    os.environ['DB_NAME'] = ':memory:'
os.environ.pop('DB_CACHE', None)
os.environ.pop('TRYTOND_CONFIG', None)

from sql.functions import CurrentTimestamp  # noqa: E402

from trytond.modules.company.tests import create_company, set_company  # noqa: E402
from trytond.modules.qms_aftersales.tests.tools import (  # noqa: E402
    count_queries,
    create_units,
)
from trytond.pool import Pool  # noqa: E402
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db  # noqa: E402
from trytond.tools import grouped_slice  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

MONTH = dt.date(2026, 3, 1)
WARM_UP = dt.date(2025, 12, 1)
# one training session per quarter up to the quarter of MONTH: the weak
# providers are suspended at the warm-up and removed at the measured run
QUARTERS = [
    dt.date(2025, 5, 1), dt.date(2025, 8, 1), dt.date(2025, 11, 1),
    dt.date(2026, 2, 1)]


def insert(Model, columns, rows):
    "Insert rows with one query per 500 rows and return nothing"
    table = Model.__table__()
    cursor = Transaction().connection.cursor()
    user = Transaction().user
    sql_columns = [getattr(table, c) for c in columns] + [
        table.create_uid, table.create_date]
    for sub in grouped_slice(rows, 500):
        cursor.execute(*table.insert(sql_columns, [
                    list(r) + [user, CurrentTimestamp()] for r in sub]))


def ids(Model, where_column, value):
    table = Model.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(
            table.id, where=getattr(table, where_column) == value,
            order_by=[table.id.asc]))
    return [i for i, in cursor]


def load(company, n_providers, n_tickets, n_stores):
    pool = Pool()
    Party = pool.get('party.party')
    Unit = pool.get('qms.service.unit')
    Ticket = pool.get('qms.ticket')
    Violation = pool.get('qms.provider.violation')
    Technician = pool.get('qms.technician')
    Session = pool.get('qms.training.session')
    Result = pool.get('qms.training.result')
    Claim = pool.get('qms.fund.claim')
    rng = random.Random(n_providers)

    hq, region, _ = create_units()
    stores = [s.id for s in Unit.create([{
                    'name': 'Store %s' % i, 'kind': 'store',
                    'parent': region.id} for i in range(n_stores)])]

    tag = 'BENCH%s-' % n_providers
    insert(Party, ['name', 'code', 'active', 'service_provider',
            'provider_status'],
        [('Provider %s' % i, '%s%s' % (tag, i), True, True, 'active')
            for i in range(n_providers)])
    providers = [p.id for p in Party.search([('code', 'like', tag + '%')])]

    rows = []
    for i in range(n_tickets):
        date = dt.datetime.combine(
            MONTH, dt.time(8)) + dt.timedelta(minutes=rng.randrange(
                -30 * 24 * 60, 30 * 24 * 60))
        responded = date + dt.timedelta(hours=rng.randrange(1, 48))
        store = rng.choice(stores)
        # one ticket in ten escalated to the region
        unit = region.id if i % 10 == 0 else store
        response = date + dt.timedelta(hours=24)
        resolution = date + dt.timedelta(hours=72)
        rows.append((
                '%sT%s' % (tag, i), company.id, date, 'hotline',
                rng.choice(['repair', 'installation', 'complaint']),
                'normal', unit, store, 'closed', response, resolution,
                response, resolution, responded,
                responded + dt.timedelta(hours=4),
                str(rng.randrange(1, 6)), True, rng.choice(providers),
                Transaction().user))
    insert(Ticket, [
            'number', 'company', 'date', 'channel', 'type', 'severity',
            'handling_unit', 'store', 'state', 'response_deadline',
            'resolution_deadline', 'tier_response_deadline',
            'tier_resolution_deadline', 'responded_at', 'resolved_at',
            'satisfaction', 'callback_done', 'provider', 'handler'], rows)
    tickets = ids(Ticket, 'company', company.id)

    # 0 to 4 violations a month, in turn, so that every run reaches each
    # level of the ladder, monthly and over the year, whatever the number
    # of providers
    rows = []
    for i, provider in enumerate(providers):
        for month in [WARM_UP, dt.date(2026, 1, 1), dt.date(2026, 2, 1),
                MONTH]:
            for day in range(i % 5):
                rows.append((
                        provider, month + dt.timedelta(days=day), 'store',
                        rng.choice(stores), "Late", 'minor', 1,
                        'confirmed'))
    insert(Violation, ['provider', 'date', 'source', 'store', 'description',
            'severity', 'points', 'state'], rows)

    # every fourth provider passes 3 of 5 technicians each quarter,
    # below the pass line
    insert(Technician, ['provider', 'name', 'active'],
        [(p, 'Technician %s' % i, True) for p in providers for i in range(5)])
    insert(Session, ['date', 'topic', 'kind', 'retraining'],
        [(q, tag, 'both', False) for q in QUARTERS])
    sessions = ids(Session, 'topic', tag)
    technicians = Technician.search(
        [('provider', 'in', providers)], order=[('id', 'ASC')])
    weak = set(providers[::4])
    insert(Result, ['session', 'technician', 'provider', 'passed'],
        [(s, t.id, t.provider.id,
                int(t.name.split()[-1]) < (3 if t.provider.id in weak else 5))
            for s in sessions for t in technicians])

    insert(Claim, ['company', 'ticket', 'unit', 'date', 'amount',
            'currency', 'reason', 'paid_date', 'state'],
        [(company.id, t, stores[i % len(stores)], MONTH,
                Decimal(100 + i % 400), company.currency.id, "Refund",
                MONTH + dt.timedelta(days=i % 28),
                ['paid', 'recovered', 'written_off'][i % 3])
            for i, t in enumerate(tickets[:2000])])
    return providers


def run(date):
    "Run the reports for the month of date; return [(name, time, queries)]"
    pool = Pool()
    Report = pool.get('qms.service.report.weekly')
    Sanction = pool.get('qms.provider.sanction')
    PassRate = pool.get('qms.training.pass_rate')

    def figure(model, names):
        Model = pool.get(model)
        return [[getattr(r, n) for n in names]
            for r in Model.search([('month', '=', date)])]
    steps = [
        ('weekly report', lambda: len(Report.generate(
                    date + dt.timedelta(days=14)))),
        ('sanction ladder', lambda: Sanction.apply_ladder(date)),
        ('training assessment', lambda: PassRate.assess(date)),
        ('provider ranking', lambda: len(figure('qms.figure.provider', [
                        'tickets', 'on_time_rate', 'satisfaction',
                        'violations']))),
        ('SLA compliance', lambda: len(figure('qms.figure.sla', [
                        'tickets', 'response_rate', 'resolution_rate']))),
        ('complaints', lambda: len(figure('qms.figure.complaint', [
                        'product', 'provider', 'complaints']))),
        ('staff appraisal', lambda: len(figure('qms.figure.staff', [
                        'complaints', 'response_hours', 'resolution_rate',
                        'satisfaction']))),
        ('fund summary', lambda: len(pool.get('qms.fund.summary').search([
                        ('year', '=', date.year),
                        ('month', '=', date.month)]))),
        ]
    figures = []
    for name, step in steps:
        start = time.perf_counter()
        with count_queries() as counter:
            result = step()
        figures.append((name, time.perf_counter() - start, counter[0], result))
    return figures


def measure(n_providers, n_tickets):
    "Load the data in a transaction that is rolled back; return the figures"
    with Transaction().start(DB_NAME, 0) as transaction:
        company = create_company()
        with set_company(company):
            start = time.perf_counter()
            load(company, n_providers, n_tickets, args.stores)
            loaded = time.perf_counter() - start
            run(WARM_UP)  # the reports of the previous months
            figures = run(MONTH)
        transaction.rollback()
    return loaded, figures


def main():
    print("backend: %s, tickets: %s, stores: %s" % (
            'postgresql' if args.postgresql else 'sqlite', args.tickets,
            args.stores))
    activate_module('qms_aftersales')
    totals = {}
    try:
        # a small untimed round fills the caches of the process
        measure(min(args.providers), 1000)
        for n_providers in args.providers:
            loaded, figures = measure(n_providers, args.tickets)
            print("\n%s providers: loaded in %.1f s" % (n_providers, loaded))
            for name, seconds, queries, result in figures:
                print("  %-20s %8.3f s %6d queries  (%s rows or sanctions)"
                    % (name, seconds, queries, result))
            totals[n_providers] = sum(q for _, _, q, _ in figures)
            print("  %-20s %8.3f s %6d queries" % (
                    'total', sum(s for _, s, _, _ in figures),
                    totals[n_providers]))
    finally:
        if args.postgresql:
            drop_db()
    print("\nquery counts: %s" % ', '.join(
            '%s providers: %s' % i for i in totals.items()))
    constant = len(set(totals.values())) == 1
    print("query count constant in the number of providers: %s" % constant)
    return 0 if constant else 1


if __name__ == '__main__':
    sys.exit(main())
