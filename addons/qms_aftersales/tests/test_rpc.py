# This file is part of the QMS modules for Tryton.
"Record rules on service tickets, checked over JSON-RPC with real sessions"
import base64
import json

from trytond.modules.company.tests import create_company
from trytond.pool import Pool
from trytond.tests.test_tryton import RouteTestCase
from trytond.transaction import Transaction

from .test_module import create_ticket, create_units


class TicketRPCTestCase(RouteTestCase):
    "Test service ticket record rules over RPC"
    module = 'qms_aftersales'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        User = pool.get('res.user')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        company = create_company()
        units, users = create_units(company)
        group = Group(ModelData.get_id('qms_aftersales', 'group_aftersales'))
        User.write(list(users.values()), {
                'groups': [('add', [group.id])],
                })
        cls.tickets = {
            name: create_ticket(units[name], company=company.id).id
            for name in ['hq', 'region', 'store', 'store2']}

    def login(self, client, login):
        response = client.post(f'/{self.db_name}/rpc/', json={
                'id': 0,
                'method': 'common.db.login',
                'params': [login, {'password': 'secret-%s-pw' % login}, 'en'],
                })
        user_id, session = json.loads(response.get_data())["result"][:2]
        auth = base64.b64encode(
            f'{login}:{user_id}:{session}'.encode()).decode()
        return [('Authorization', 'Session ' + auth)]

    def call(self, client, headers, method, *params):
        response = client.post(
            f'/{self.db_name}/rpc/', headers=headers, json={
                'id': 1,
                'method': method,
                'params': [*params, {}],
                })
        return json.loads(response.get_data())

    def search(self, login):
        client = self.client()
        headers = self.login(client, login)
        result = self.call(client, headers, 'model.qms.ticket.search', [])
        return set(result['result'])

    def test_store_user_sees_own_store(self):
        "A store user reads its store's tickets, not another store's"
        client = self.client()
        headers = self.login(client, 'store')

        own = self.call(client, headers, 'model.qms.ticket.read',
            [self.tickets['store']], ['number', 'handling_unit'])
        other = self.call(client, headers, 'model.qms.ticket.read',
            [self.tickets['store2']], ['number'])

        self.assertEqual(own['result'][0]['id'], self.tickets['store'])
        self.assertIn('error', other)
        self.assertNotIn('result', other)
        self.assertIn(
            "Tickets of the user's service units", other['error'][1][0])
        self.assertEqual(self.search('store'), {self.tickets['store']})

    def test_region_user_sees_region(self):
        "A region user sees the tickets of the region and its stores"
        tickets = self.search('region')
        self.assertLessEqual({
                self.tickets['region'], self.tickets['store'],
                self.tickets['store2']}, tickets)
        self.assertNotIn(self.tickets['hq'], tickets)

    def test_hq_user_sees_all(self):
        "An HQ user sees all tickets"
        self.assertLessEqual(set(self.tickets.values()), self.search('hq'))

    def test_store_user_escalates(self):
        "A store user escalates a ticket and no longer sees it"
        with Transaction().start(self.db_name, 0) as transaction:
            pool = Pool()
            Unit = pool.get('qms.service.unit')
            Company = pool.get('company.company')
            company, = Company.search([])
            store, = Unit.search([('name', '=', "Store")])
            ticket_id = create_ticket(store, company=company.id).id
            transaction.commit()
        client = self.client()
        headers = self.login(client, 'store')

        result = self.call(
            client, headers, 'model.qms.ticket.escalate', [ticket_id])
        self.assertNotIn('error', result)
        self.assertNotIn(ticket_id, self.search('store'))
        self.assertIn(ticket_id, self.search('region'))
