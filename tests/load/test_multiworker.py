"""Two trytond web workers, trytond-cron and trytond-worker on one
PostgreSQL database; twenty concurrent clients confirm sales and ship lots,
some sharing the same lots; one worker is killed with SIGKILL mid-load.

The clients behave like the web client: trytond answers 503 when
concurrent transactions still collide after its own retries ([database]
retry), and sao then tries again up to four times, waiting 1, 2, 3 and 4
seconds (or the server's Retry-After).  A call still refused after that is
an error the user sees and fails the test ("gave_up_busy"), as does any 500
or error other than a user error, and any inconsistency afterwards.

Run once by bin/test (marker "load"); QMS_LOAD_ROUNDS sets the rounds per
client (default 4).  Prints throughput and error counts; the trytond logs
stay in the folder printed with them.
"""
import base64
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest

pytestmark = pytest.mark.load

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
BIN = os.path.join(ROOT, '.venv', 'bin')
PG_URI = os.environ.get('QMS_PG_URI', 'postgresql://127.0.0.1:5432/')
CLIENTS = 20
ROUNDS = int(os.environ.get('QMS_LOAD_ROUNDS', 4))
LOTS = 5


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _env(**extra):
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_') and k not in {'DB_NAME', 'DB_CACHE'}}
    env.update(
        TRYTOND_CONFIG=os.path.join(ROOT, 'config', 'postgresql.conf'),
        TRYTOND_DATABASE__URI=PG_URI,
        TRYTOND_WEB__ROOT=os.path.join(ROOT, 'var', 'sao', 'current'),
        **extra)
    return env


def _run(args, log, **env):
    subprocess.run(args, cwd=ROOT, env=_env(**env), check=True,
        stdout=log, stderr=subprocess.STDOUT)


def _sql(database, query, *params):
    import psycopg
    with psycopg.connect(PG_URI.rstrip('/') + '/' + database) as conn:
        return conn.execute(query, params).fetchall()


@pytest.fixture(scope='module')
def cluster(tmp_path_factory):
    import psycopg
    database = f'qms_load_{os.getpid()}'
    folder = tmp_path_factory.mktemp('load')
    log = open(folder / 'setup.log', 'w')
    admin = psycopg.connect(PG_URI.rstrip('/') + '/postgres', autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
    admin.execute(f'CREATE DATABASE "{database}"')
    processes = []
    try:
        passfile = folder / 'pass'
        passfile.write_text('qms-demo-2026\n')
        _run([f'{BIN}/trytond-admin', '-d', database, '--all', '-l', 'zh_CN',
                '--email', 'admin@example.com'], log,
            TRYTONPASSFILE=str(passfile))
        _run([f'{BIN}/trytond-admin', '-d', database,
                '--activate-dependencies', '-l', 'zh_CN',
                '-u', 'qms_sales', 'qms_trace', 'qms_aftersales'], log)
        _run([sys.executable, '-m', 'demo', '-d', database], log)
        _run([sys.executable, os.path.join('tests', 'load', 'prepare.py'),
                database, str(LOTS), '1000'], log)
        ports = [_free_port(), _free_port()]
        for name, args, extra in [
                ('web1', ['trytond', '-d', database],
                    {'TRYTOND_WEB__LISTEN': f'127.0.0.1:{ports[0]}'}),
                ('web2', ['trytond', '-d', database],
                    {'TRYTOND_WEB__LISTEN': f'127.0.0.1:{ports[1]}'}),
                ('cron', ['trytond-cron', '-d', database], {}),
                ('worker', ['trytond-worker', '-d', database], {}),
                ]:
            out = open(folder / f'{name}.log', 'w')
            args = [f'{BIN}/{args[0]}', *args[1:]]
            # a session of its own: trytond-cron and trytond-worker fork
            # children that must end with them
            processes.append(subprocess.Popen(args, cwd=ROOT,
                    env=_env(**extra), stdout=out, stderr=subprocess.STDOUT,
                    start_new_session=True))
        urls = [f'http://127.0.0.1:{p}/{database}/rpc/' for p in ports]
        for url in urls:
            deadline = time.monotonic() + 120
            while True:
                try:
                    _call(url, None, 'common.db.login',
                        'loadtest', {'password': 'qms-load-2026'}, 'en')
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(1)
        yield database, urls, processes, folder
    finally:
        for process in processes:
            _signal_group(process, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            _signal_group(process, signal.SIGKILL)
        log.close()
        for _ in range(10):
            try:
                admin.execute(
                    f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                break
            except psycopg.Error:
                time.sleep(1)
        admin.close()


def _signal_group(process, signum):
    "Signal the process and the children it forked"
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


class Counts(Counter):
    "Counts shared by the client threads"

    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def add(self, key):
        with self.lock:
            self[key] += 1


class RPCError(Exception):
    def __init__(self, kind, message):
        super().__init__(f'{kind}: {message}')
        self.kind = kind


def _call(url, session, method, *params):
    request = urllib.request.Request(url, method='POST',
        data=json.dumps({'id': 1, 'method': method,
                'params': list(params)}).encode(),
        headers={'Content-Type': 'application/json'})
    if session:
        request.add_header('Authorization', 'Session ' + session)
    with urllib.request.urlopen(request, timeout=120) as response:
        result = json.load(response)
    if 'error' in result and result['error']:
        kind, args = result['error']
        raise RPCError(kind, args)
    return result['result']


class Busy(Exception):
    "The server still answered 'try again later' after sao's retries"


# sao's answer to 503 (Sao.rpc): retry 4 times, after Retry-After or 1, 2, 3
# and 4 seconds
SAO_RETRIES = 4
USER_ERRORS = {'UserError', 'UserWarning', 'ConcurrencyException'}


class Client(threading.Thread):
    "One person confirming sales and shipping lots, round after round"

    def __init__(self, number, urls, customers, product, lots, counts,
            unit=1):
        super().__init__(daemon=True)
        self.number, self.urls = number, urls
        self.customers, self.product, self.lots = customers, product, lots
        self.counts, self.unit = counts, unit
        self.random = random.Random(number)
        self.served = Counter()

    def login(self, url):
        user_id, token = _call(url, None, 'common.db.login',
            'loadtest', {'password': 'qms-load-2026'}, 'en')[:2]
        session = base64.b64encode(
            f'loadtest:{user_id}:{token}'.encode()).decode()
        self.context = _call(url, session, 'model.res.user.get_preferences',
            True, {})
        return session

    def call(self, method, *params):
        # stay on one worker; move to the next when it is unreachable
        retries = lost = 0
        while True:
            url = self.urls[self.worker % len(self.urls)]
            try:
                if not self.session:
                    self.session = self.login(url)
                result = _call(url, self.session, method, *params,
                    self.context)
                self.served[url] += 1
                return result
            except urllib.error.HTTPError as e:
                if e.code in {401, 403}:
                    self.session = None
                    continue
                if e.code == 503:
                    self.counts.add('busy_503')
                    if retries < SAO_RETRIES:
                        retries += 1
                        try:
                            delay = int(e.headers.get('Retry-After'))
                        except (TypeError, ValueError):
                            delay = retries
                        time.sleep(min(delay, 10))
                        continue
                    self.counts.add(f'gave_up_busy:{method}')
                    raise Busy(method) from e
                self.counts.add('http_%s' % e.code)
                raise
            except (ConnectionError, urllib.error.URLError):
                self.counts.add('connection_lost')
                self.worker += 1
                self.session = None
                lost += 1
                if lost > 2 * len(self.urls):
                    raise

    def run(self):
        self.worker, self.session = self.number, None
        for round_ in range(ROUNDS):
            try:
                self.sell_and_ship(round_)
                self.counts.add('shipped')
            except RPCError as e:
                self.counts.add(f'user_error:{e.kind}')
            except Busy:
                pass
            except Exception as e:  # noqa: BLE001
                self.counts.add(f'failure:{type(e).__name__}: {e}'[:120])

    def sell_and_ship(self, round_):
        customer, address = self.customers[
            (self.number + round_) % len(self.customers)]
        quantity = self.random.randint(1, 3)
        sale_id, = self.call('model.sale.sale.create', [{
                    'party': customer,
                    'invoice_address': address,
                    'shipment_address': address,
                    'invoice_method': 'manual',
                    'lines': [['create', [{
                                    'product': self.product,
                                    'quantity': quantity,
                                    'unit': self.unit,
                                    # a Decimal, encoded as sao does
                                    'unit_price': {'__class__': 'Decimal',
                                        'decimal': '268.00'},
                                    }]]],
                    }])
        self.call('model.sale.sale.quote', [sale_id])
        self.call('model.sale.sale.confirm', [sale_id])
        self.counts.add('confirmed')
        shipment_ids = []
        deadline = time.monotonic() + 60
        # trytond-worker processes the confirmed sale: wait for its shipment
        while not shipment_ids and time.monotonic() < deadline:
            sale, = self.call('model.sale.sale.read', [sale_id],
                ['shipments'])
            shipment_ids = sale['shipments']
            if not shipment_ids:
                time.sleep(0.5)
        shipment_id, = shipment_ids
        shipment, = self.call('model.stock.shipment.out.read',
            [shipment_id], ['inventory_moves'])
        lot = self.lots[self.random.randrange(len(self.lots))]
        self.call('model.stock.move.write',
            shipment['inventory_moves'], {'lot': lot})
        self.call('model.stock.shipment.out.assign_try', [shipment_id])
        self.call('model.stock.shipment.out.pick', [shipment_id])
        self.call('model.stock.shipment.out.pack', [shipment_id])
        self.call('model.stock.shipment.out.do', [shipment_id])


def test_twenty_clients_two_workers_one_killed(cluster):
    database, urls, processes, folder = cluster
    product, = _sql(database,
        "SELECT p.id FROM product_product p JOIN product_template t "
        "ON p.template = t.id WHERE p.code = 'BPM-E10'")[0:1]
    customers = _sql(database,
        "SELECT p.id, MIN(a.id) FROM party_party p "
        "JOIN party_address a ON a.party = p.id "
        "WHERE p.name = %s GROUP BY p.id", "北京协和样例医院")
    lots = [r[0] for r in _sql(database,
            "SELECT id FROM stock_lot WHERE number LIKE 'LOAD%%'")]
    assert customers and len(lots) == LOTS
    (unit,), = _sql(database, "SELECT t.default_uom FROM product_product p "
        "JOIN product_template t ON p.template = t.id WHERE p.id = %s",
        product[0])
    counts = Counts()
    clients = [Client(n, urls, customers, product[0], lots, counts, unit)
        for n in range(CLIENTS)]
    start = time.monotonic()
    for client in clients:
        client.start()
    # kill the first web worker once a third of the work is done
    while counts['shipped'] < CLIENTS * ROUNDS // 3 and any(
            c.is_alive() for c in clients):
        time.sleep(0.2)
    processes[0].send_signal(signal.SIGKILL)
    served_before = sum(c.served[urls[1]] for c in clients)
    for client in clients:
        client.join(timeout=600)
    elapsed = time.monotonic() - start
    served_after = sum(c.served[urls[1]] for c in clients) - served_before
    print(f"\n{counts['confirmed']} confirmations and {counts['shipped']} "
        f"shipments by {CLIENTS} clients in {elapsed:.1f}s: "
        f"{counts['confirmed'] / elapsed:.2f} confirmations/s; "
        f"{served_after} calls served by the surviving worker after the "
        f"kill; counts: {dict(counts)}; logs in {folder}")

    assert not any(c.is_alive() for c in clients), "clients still running"
    failures = {k: v for k, v in counts.items()
        if k.startswith(('failure', 'http_5', 'gave_up_busy'))
        or k.startswith('user_error:')
        and k.split(':', 1)[1] not in USER_ERRORS}
    assert not failures, failures
    assert counts['shipped'] > 0
    assert counts['shipped'] + sum(v for k, v in counts.items()
        if k.startswith('user_error:')) == CLIENTS * ROUNDS, counts
    # the surviving worker kept serving after the kill
    assert processes[1].poll() is None
    assert served_after > 0
    assert counts['connection_lost'] > 0 or counts['shipped'] == (
        CLIENTS * ROUNDS)

    # every done move to or from customers (the demo's deliveries and
    # return too) has exactly one record
    done_moves = _sql(database,
        "SELECT m.id, m.quantity, m.lot FROM stock_move m "
        "JOIN stock_location l ON l.id = m.to_location "
        "WHERE l.type = 'customer' AND m.state = 'done'")
    returns = _sql(database,
        "SELECT m.id FROM stock_move m "
        "JOIN stock_location l ON l.id = m.from_location "
        "WHERE l.type = 'customer' AND m.state = 'done'")
    records = _sql(database,
        "SELECT move, COUNT(*) FROM qms_sales_record GROUP BY move")
    assert {m for m, _ in records} == (
        {m for m, _, _ in done_moves} | {m for m, in returns})
    assert all(c == 1 for _, c in records), "duplicated sales records"
    done_moves = [m for m in done_moves if m[2] in lots]
    assert len(done_moves) == counts['shipped']
    # stock: every lot holds what came in minus what was shipped
    for lot in lots:
        (quantity,), = _sql(database,
            "SELECT COALESCE(SUM(CASE WHEN tl.type = 'storage' "
            "THEN m.quantity ELSE 0 END), 0) - COALESCE(SUM(CASE WHEN "
            "fl.type = 'storage' THEN m.quantity ELSE 0 END), 0) "
            "FROM stock_move m "
            "JOIN stock_location fl ON fl.id = m.from_location "
            "JOIN stock_location tl ON tl.id = m.to_location "
            "WHERE m.lot = %s AND m.state = 'done'", lot)
        shipped = sum(q for _, q, l in done_moves if l == lot)
        assert quantity == 1000 - shipped, (lot, quantity, shipped)
