#!/usr/bin/env python3
# This file is part of the QMS modules for Tryton.
"""Time the downstream and upstream closure of the busiest lot.

Compares, on the history made by generate_history.py:
- the floor: one indexed scan of the lot's moves,
- our closure: one recursive query (qms.trace moves_query),
  and the full API (qms.trace.downstream/upstream with records),
- walking Tryton's own stock.lot.trace node by node (upward traces from the
  receipts to the customers, downward traces from the deliveries back to
  the supplier), as the client does when a user unfolds the trace tree.

  .venv/bin/python bench/trace_lot.py [--db qms_bench] [--lot ID]
"""
import argparse
import statistics
import sys
import time

import generate_history  # noqa: F401 (sets the database defaults)
from sql.aggregate import Count

from trytond import backend
from trytond.pool import Pool
from trytond.transaction import Transaction


def timed(function, repeat):
    """Return the median time in ms of function and its last result; keep
    the best time in BEST (the machine may be shared)"""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    BEST[function] = min(times)
    return statistics.median(times), result


BEST = {}


def walk(Trace, start, direction, limit=None):
    """Walk the stock.lot.trace tree node by node, return the nodes seen;
    stop after expanding limit nodes"""
    seen = set(start)
    todo = list(start)
    expanded = 0
    while todo and (limit is None or expanded < limit):
        expanded += 1
        nodes = Trace.browse(todo[:1])
        todo = todo[1:]
        for node in nodes:
            for child in getattr(node, direction):
                if child.id not in seen:
                    seen.add(child.id)
                    todo.append(child.id)
    return seen


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--db', default='qms_bench')
    parser.add_argument('--lot', type=int)
    parser.add_argument('--repeat', type=int, default=50)
    parser.add_argument('--sample', type=int, default=40,
        help="nodes to walk on Tryton's default schema (PostgreSQL)")
    args = parser.parse_args()

    pool = Pool(args.db)
    pool.init()
    with Transaction().start(args.db, 0, readonly=True):
        Move = pool.get('stock.move')
        Trace = pool.get('qms.trace')
        LotTrace = pool.get('stock.lot.trace')
        Location = pool.get('stock.location')
        cursor = Transaction().connection.cursor()
        move = Move.__table__()
        cursor.execute(*move.select(Count(move.id)))
        total, = cursor.fetchone()
        lot_id = args.lot
        if not lot_id:
            cursor.execute(*move.select(move.lot,
                    where=move.lot != None,  # noqa: E711
                    group_by=[move.lot], order_by=[Count(move.id).desc],
                    limit=1))
            lot_id, = cursor.fetchone()
        lots = [lot_id]

        def floor():
            cursor.execute(*move.select(move.id, move.quantity,
                    where=move.lot == lot_id))
            return cursor.fetchall()

        def fetch(query):
            def run():
                cursor.execute(*query)
                return cursor.fetchall()
            return run

        down_query = fetch(Trace.moves_query(lots, 'downstream'))
        up_query = fetch(Trace.moves_query(lots, 'upstream'))
        floor_ms, lot_moves = timed(floor, args.repeat)
        down_ms, down_rows = timed(down_query, args.repeat)
        up_ms, up_rows = timed(up_query, args.repeat)
        best = {'floor': BEST[floor], 'down': BEST[down_query],
            'up': BEST[up_query]}
        api_ms, customers = timed(
            lambda: Trace.downstream(lots), max(args.repeat // 4, 1))
        api_up_ms, receipts = timed(
            lambda: Trace.upstream(lots), max(args.repeat // 4, 1))

        supplier, = Location.search([('type', '=', 'supplier')], limit=1)
        customer, = Location.search([('type', '=', 'customer')], limit=1)
        start = time.perf_counter()
        roots = [t.id for t in LotTrace.search([
                    ('lot', '=', lot_id),
                    ('from_location', '=', supplier.id)])]
        nodes = walk(LotTrace, roots, 'upward_traces')
        walk_down_ms = (time.perf_counter() - start) * 1000
        reached = {t.id for t in LotTrace.browse(list(nodes))
            if t.to_location == customer}
        start = time.perf_counter()
        leaves = [t.id for t in LotTrace.search([
                    ('lot', '=', lot_id),
                    ('to_location', '=', customer.id)])]
        up_nodes = walk(LotTrace, leaves, 'downward_traces')
        walk_up_ms = (time.perf_counter() - start) * 1000

        print(f"backend: {backend.name}, {total} moves, lot {lot_id} with "
            f"{len(lot_moves)} moves")
        print("times: median (best) of %d runs" % args.repeat)
        print(f"floor (index scan of the lot's moves): {floor_ms:.2f} ms "
            f"({best['floor']:.2f})")
        print(f"downstream closure, one recursive query: {down_ms:.2f} ms "
            f"({best['down']:.2f}) for {len(down_rows)} customer moves")
        print(f"upstream closure, one recursive query: {up_ms:.2f} ms "
            f"({best['up']:.2f}) for {len(up_rows)} receipts")
        print(f"downstream API with records: {api_ms:.1f} ms "
            f"({len(customers)} customers, net of returns)")
        print(f"upstream API with records: {api_up_ms:.1f} ms "
            f"({len(receipts)} receipts)")
        print(f"Tryton stock.lot.trace walk downstream (upward traces): "
            f"{walk_down_ms:.0f} ms ({len(nodes)} nodes, "
            f"{len(reached)} deliveries)")
        print(f"Tryton stock.lot.trace walk upstream (downward traces): "
            f"{walk_up_ms:.0f} ms ({len(up_nodes)} nodes)")
        print(f"ratio walk / closure: downstream "
            f"{walk_down_ms / down_ms:.0f}x, upstream "
            f"{walk_up_ms / up_ms:.0f}x (target >= 1000x)")
        print(f"distance to the floor: downstream "
            f"+{down_ms - floor_ms:.2f} ms ({down_ms / floor_ms:.1f}x), best "
            f"+{best['down'] - best['floor']:.2f} ms "
            f"({best['down'] / best['floor']:.1f}x); upstream "
            f"+{up_ms - floor_ms:.2f} ms ({up_ms / floor_ms:.1f}x)")
        print(f"target <= 10 ms (median): "
            f"{'met' if max(down_ms, up_ms) <= 10 else 'NOT met'}")
    if backend.name == 'postgresql' and args.sample:
        default_schema_walk(pool, args, lot_id, len(nodes), down_ms)
    return 0


def default_schema_walk(pool, args, lot_id, nodes, closure_ms):
    """Time a sample of the walk without the indexes on stock_move.lot, as
    on Tryton's own schema: the indexes are dropped in a transaction that
    is rolled back"""
    with Transaction().start(args.db, 0) as transaction:
        LotTrace = pool.get('stock.lot.trace')
        Location = pool.get('stock.location')
        cursor = transaction.connection.cursor()
        cursor.execute("SELECT indexname FROM pg_indexes "
            "WHERE tablename = 'stock_move' AND indexdef LIKE '%(lot)%'")
        for name, in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        supplier, = Location.search([('type', '=', 'supplier')], limit=1)
        start = time.perf_counter()
        roots = [t.id for t in LotTrace.search([
                    ('lot', '=', lot_id),
                    ('from_location', '=', supplier.id)])]
        walk(LotTrace, roots, 'upward_traces', limit=args.sample)
        per_node = (time.perf_counter() - start) * 1000 / args.sample
        transaction.rollback()
    print(f"Tryton stock.lot.trace walk on Tryton's schema (no index on "
        f"stock_move.lot): {per_node:.0f} ms per node over {args.sample} "
        f"nodes, about {per_node * nodes / 1000:.0f} s for the {nodes} "
        f"nodes (extrapolated), {per_node * nodes / closure_ms:,.0f}x the "
        f"closure")


if __name__ == '__main__':
    sys.exit(main())
