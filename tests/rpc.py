"""JSON-RPC sessions of the demo users, over Tryton's WSGI application.

DemoRPCTestCase loads the demo data (demo/, as bin/run loads it) into the
test database; each demo user then logs in with the demo password and a
real session, as the web client does."""
import base64
import json

from proteus import config as pconfig

from demo.__main__ import STEPS
from demo.base import PASSWORD, USERS
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction

LOGINS = ['admin'] + [login for login, *_ in USERS]


class RPCError(Exception):
    def __init__(self, error):
        super().__init__(error)
        self.kind = error[0]
        self.text = json.dumps(error, ensure_ascii=False)


class Session:
    "A demo user logged in over JSON-RPC"

    def __init__(self, client, login, password=PASSWORD):
        self.client, self.login = client, login
        self.auth = None
        user_id, token = self.call(
            'common.db.login', login, {'password': password}, 'en')[:2]
        self.auth = base64.b64encode(
            f'{login}:{user_id}:{token}'.encode()).decode()
        self.context = self.call('model.res.user.get_preferences', True, {})

    def call(self, method, *params):
        headers = {}
        if self.auth:
            headers['Authorization'] = 'Session ' + self.auth
        response = self.client.post(f'/{DB_NAME}/rpc/', headers=headers,
            json={'id': 1, 'method': method, 'params': list(params)})
        assert response.status_code == 200, (
            self.login, method, response.status_code, response.data)
        result = response.json
        if result.get('error'):
            raise RPCError(result['error'])
        return result['result']

    def __call__(self, model, method, *params):
        return self.call(f'model.{model}.{method}', *params, self.context)


class DemoRPCTestCase(RouteTestCase):
    "A test over RPC on the demo data, with each demo user's own session"
    module = 'qms_aftersales'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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
        with Transaction().start(DB_NAME, 0):
            cls.ids = cls.find_ids()

    @classmethod
    def find_ids(cls):
        "Return the ids of the demo records the tests use"
        return {}

    def session(self, login, password=PASSWORD):
        return Session(self.client(), login, password)

    def assertRefused(self, session, model, method, *params, kinds=None):
        "Assert the call fails with a user or access error and return it"
        with self.assertRaises(RPCError,
                msg=f"{session.login} may {method} {model}") as cm:
            session(model, method, *params)
        self.assertIn(cm.exception.kind, kinds or {'UserError', 'AccessError'},
            msg=cm.exception.text)
        return cm.exception
