"Login throttling holds over RPC after repeated bad passwords."
import json
from urllib.parse import quote

from trytond.pool import Pool
from trytond.tests.test_tryton import RouteTestCase


class LoginThrottleTestCase(RouteTestCase):
    "Test repeated bad passwords lock the login out"
    module = 'qms_sales'
    password = 'right-password-2026'

    @classmethod
    def setUpDatabase(cls):
        User = Pool().get('res.user')
        user = User(login='throttled', name="Throttled",
            password=cls.password)
        user.save()

    def login(self, client, password):
        response = client.post(f'/{quote(self.db_name)}/rpc/',
            data=json.dumps({'id': 1, 'method': 'common.db.login',
                    'params': ['throttled', {'password': password}, 'en']}),
            content_type='application/json')
        return response

    def test_bad_passwords_throttle_login(self):
        "Test a burst of bad passwords blocks even the right one"
        client = self.client()
        response = self.login(client, self.password)
        self.assertEqual(response.status_code, 200)
        self.assertIn('result', response.json)

        statuses = [self.login(client, 'wrong-%s' % i).status_code
            for i in range(8)]
        self.assertIn(429, statuses)
        response = self.login(client, self.password)
        self.assertEqual(response.status_code, 429)
        self.assertNotIn('result', response.json or {})
