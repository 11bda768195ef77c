"""JSON-RPC sessions of the demo users on Tryton's WSGI application.

`DemoTestCase` loads the demo (demo/, as bin/run does) once per run into
the test database and keeps it in Tryton's database cache (DB_CACHE), from
which every other class restores it; `Session` logs a demo user in with the
demo password and calls the server as the web client does.  Every call also
records the class of the exception the server answered with
(`last_exception`): over JSON-RPC an AccessError and any other UserError both
arrive as 'UserError', and the hostile suite must tell them apart.
"""
import base64
import datetime as dt
import json
from decimal import Decimal

from proteus import config as pconfig

from demo.__main__ import STEPS
from demo.base import PASSWORD, USERS
from trytond.exceptions import TrytonException, UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.protocols.jsonrpc import JSONProtocol
from trytond.tests.test_tryton import (
    DB_NAME,
    RouteTestCase,
    backup_db_cache,
    drop_db,
    restore_db_cache,
)
from trytond.transaction import Transaction

LOGINS = ['admin'] + [login for login, *_ in USERS]
# counts of problems per part of the hostile suite, printed by conftest.py
SUMMARY = {}

_last = {'exception': None}
_response = JSONProtocol.response.__func__


def _recording_response(cls, data, request):
    _last['exception'] = data if isinstance(data, Exception) else None
    return _response(cls, data, request)


JSONProtocol.response = classmethod(_recording_response)


def encode(value):
    "Encode value as Tryton's JSON-RPC client does"
    if isinstance(value, Decimal):
        return {'__class__': 'Decimal', 'decimal': str(value)}
    if isinstance(value, dt.datetime):
        return {'__class__': 'datetime', 'year': value.year,
            'month': value.month, 'day': value.day, 'hour': value.hour,
            'minute': value.minute, 'second': value.second,
            'microsecond': value.microsecond}
    if isinstance(value, dt.date):
        return {'__class__': 'date', 'year': value.year,
            'month': value.month, 'day': value.day}
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def decode(value):
    "Decode the JSON-RPC answer into Python values"
    if isinstance(value, dict):
        if value.get('__class__') == 'Decimal':
            return Decimal(value['decimal'])
        if value.get('__class__') == 'date':
            return dt.date(value['year'], value['month'], value['day'])
        if value.get('__class__') == 'datetime':
            return dt.datetime(value['year'], value['month'], value['day'],
                value['hour'], value['minute'], value['second'],
                value['microsecond'])
        if value.get('__class__') == 'timedelta':
            return dt.timedelta(seconds=value['seconds'])
        if value.get('__class__') == 'bytes':
            return base64.decodebytes(value['base64'].encode())
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


class RPCError(Exception):
    """The server refused or failed a call.

    kind is 'access' (an AccessError), 'user' (another UserError or
    warning: a message the user can act on) or 'server' (anything else, an
    internal error a user sees as a crash)."""

    def __init__(self, error, exception=None, status=200):
        super().__init__(error)
        self.error = error
        self.exception = exception
        if isinstance(exception, AccessError) or status == 403:
            # 403: the method is not exposed over RPC
            self.kind = 'access'
        elif isinstance(exception, (UserError, TrytonException)):
            self.kind = 'user'
        else:
            self.kind = 'server'
        self.status = status
        try:
            self.text = json.dumps(error, ensure_ascii=False)
        except (TypeError, ValueError):
            self.text = repr(error)
        if self.kind == 'server' and exception is not None:
            self.text = '%s: %s' % (type(exception).__name__, exception)

    @property
    def name(self):
        return type(self.exception).__name__ if self.exception else 'HTTP'


class Session:
    "A demo user logged in over JSON-RPC"

    def __init__(self, client, login, password=PASSWORD):
        self.client, self.login = client, login
        self.auth = None
        user_id, token = self.call(
            'common.db.login', login, {'password': password}, 'en')[:2]
        self.user_id = user_id
        self.auth = base64.b64encode(
            f'{login}:{user_id}:{token}'.encode()).decode()
        self.context = self.call('model.res.user.get_preferences', True, {})

    def call(self, method, *params):
        headers = {}
        if self.auth:
            headers['Authorization'] = 'Session ' + self.auth
        _last['exception'] = None
        response = self.client.post(f'/{DB_NAME}/rpc/', headers=headers,
            json={'id': 1, 'method': method, 'params': encode(list(params))})
        exception = _last['exception']
        if response.status_code != 200:
            raise RPCError(response.get_data(as_text=True), exception,
                response.status_code)
        result = response.json
        if result.get('error'):
            raise RPCError(result['error'], exception)
        return decode(result['result'])

    def __call__(self, model, method, *params, context=None):
        return self.call(f'model.{model}.{method}', *params,
            {**self.context, **(context or {})})

    def wizard(self, name, data, state, context=None):
        """Run the wizard name from its start through state with data
        ({state: values}), return the answer of the last step"""
        context = {**self.context, **(context or {})}
        session_id, _, _ = self.call(f'wizard.{name}.create', context)
        try:
            return self.call(f'wizard.{name}.execute',
                session_id, data, state, context)
        finally:
            self.call(f'wizard.{name}.delete', session_id, context)


class DemoTestCase(RouteTestCase):
    "The demo in the class's test database, loaded as bin/run does"
    module = 'qms_aftersales'

    @classmethod
    def setUpClass(cls):
        drop_db()
        # the demo's dates are relative to today
        cache_name = f'{cls.module}--demo-{dt.date.today()}'
        if restore_db_cache(cache_name):
            return
        super().setUpClass()
        cls.load_demo()
        backup_db_cache(cache_name)

    @classmethod
    def load_demo(cls):
        with Transaction().start(DB_NAME, 0) as transaction:
            # as bin/run creates the database: the demo users work in zh_CN
            # and the administrator has the demo password
            pool = Pool()
            Lang = pool.get('ir.lang')
            User = pool.get('res.user')
            Lang.write(Lang.search([('code', '=', 'zh_CN')]),
                {'translatable': True})
            User.write(User.search([('login', '=', 'admin')]),
                {'password': PASSWORD})
            transaction.commit()
        config = pconfig.set_trytond(DB_NAME)
        for step in STEPS:
            step.load(config)

    def session(self, login, password=PASSWORD):
        return Session(self.client(), login, password)


class DemoRPCTestCase(DemoTestCase):
    "A test over RPC on the demo data, with each demo user's own session"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with Transaction().start(DB_NAME, 0):
            cls.ids = cls.find_ids()

    @classmethod
    def find_ids(cls):
        "Return the ids of the demo records the tests use"
        return {}

    def assertRefused(self, session, model, method, *params, kinds=None):
        "Assert the call fails with a user or access error and return it"
        with self.assertRaises(RPCError,
                msg=f"{session.login} may {method} {model}") as cm:
            session(model, method, *params)
        self.assertIn(cm.exception.kind, kinds or {'user', 'access'},
            msg=cm.exception.text)
        return cm.exception
