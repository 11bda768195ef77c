# This file is part of the QMS modules for Tryton.
"Record rules on service tickets, checked over JSON-RPC with real sessions"
import base64
import json
from decimal import Decimal

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
        cls.units = {name: unit.id for name, unit in units.items()}
        cls.company = company.id
        cls.currency = company.currency.id

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
            "Tickets handled or received by the user's service units",
            other['error'][1][0])
        tickets = self.search('store')
        self.assertIn(self.tickets['store'], tickets)
        self.assertFalse(tickets & {
                self.tickets['store2'], self.tickets['region'],
                self.tickets['hq']})

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

    def create(self, claims=()):
        "Commit a ticket of the store and claims for it; return their ids"
        with Transaction().start(self.db_name, 0) as transaction:
            pool = Pool()
            Unit = pool.get('qms.service.unit')
            Company = pool.get('company.company')
            Claim = pool.get('qms.fund.claim')
            company, = Company.search([])
            store, = Unit.search([('name', '=', "Store")])
            ticket = create_ticket(store, company=company.id)
            claims = Claim.create([{
                        'ticket': ticket.id, 'unit': store.id,
                        'amount': Decimal(amount), 'reason': "Refund",
                        'currency': company.currency.id,
                        'company': company.id,
                        } for amount in claims])
            transaction.commit()
            return ticket.id, [c.id for c in claims]

    def test_store_user_escalates(self):
        "A store user escalates a ticket, still reads it but no longer acts"
        ticket_id, _ = self.create()
        client = self.client()
        headers = self.login(client, 'store')

        result = self.call(
            client, headers, 'model.qms.ticket.escalate', [ticket_id])
        self.assertNotIn('error', result)
        self.assertIn(ticket_id, self.search('store'))
        self.assertIn(ticket_id, self.search('region'))
        self.assertNotIn(ticket_id, self.search('store2'))
        for method, args in [
                ('write', [[ticket_id], {'description': "Mine"}]),
                ('start', [[ticket_id]]),
                ('escalate', [[ticket_id]]),
                ]:
            result = self.call(
                client, headers, 'model.qms.ticket.' + method, *args)
            self.assertIn(
                "Tickets handled by the user's service units",
                result['error'][1][0], msg=method)

        region = self.login(client, 'region')
        result = self.call(
            client, region, 'model.qms.ticket.start', [ticket_id])
        self.assertNotIn('error', result)
        with Transaction().start(self.db_name, 0):
            ticket = Pool().get('qms.ticket')(ticket_id)
            self.assertEqual(ticket.state, 'in_progress')
            self.assertNotEqual(ticket.description, "Mine")

    def test_discussion(self):
        "The discussion of a ticket is the business of those who read it"
        ticket_id, _ = self.create()
        resource = 'qms.ticket,%s' % ticket_id
        client = self.client()
        store = self.login(client, 'store')
        self.call(client, store, 'model.qms.ticket.escalate', [ticket_id])
        # the store reports on its escalated ticket
        result = self.call(client, store, 'model.ir.chat.channel.post',
            resource, "Customer compensated, report sent to HQ")
        self.assertNotIn('error', result)

        other = self.login(client, 'store2')
        for method, args in [
                ('get', [resource]),
                ('post', [resource, "Hello"]),
                ]:
            result = self.call(
                client, other, 'model.ir.chat.channel.' + method, *args)
            self.assertIn(
                "Tickets handled or received by the user's service units",
                result['error'][1][0], msg=method)
        region = self.login(client, 'region')
        result = self.call(
            client, region, 'model.ir.chat.channel.get', resource)
        self.assertEqual(
            [m['content'] for m in result['result']],
            ["Customer compensated, report sent to HQ"])

    def test_workflow_fields(self):
        "Users cannot set the fields of the ticket workflow directly"
        ticket_id, _ = self.create()
        client = self.client()
        headers = self.login(client, 'store')
        for values in [
                {'state': 'closed'},
                {'callback_done': True},
                {'response_deadline': {
                        '__class__': 'datetime', 'year': 2099, 'month': 1,
                        'day': 1, 'hour': 0, 'minute': 0, 'second': 0,
                        'microsecond': 0}},
                ]:
            result = self.call(client, headers, 'model.qms.ticket.write',
                [ticket_id], values)
            self.assertIn('error', result, msg=values)
            self.assertIn('workflow', result['error'][1][0])
        result = self.call(client, headers, 'model.qms.ticket.create',
            [{'handling_unit': self.units['store'], 'state': 'closed',
                    'company': self.company, 'contact': "Ms Li",
                    'description': "Broken"}])
        self.assertIn('workflow', result['error'][1][0])
        with Transaction().start(self.db_name, 0):
            ticket = Pool().get('qms.ticket')(ticket_id)
            self.assertEqual(ticket.state, 'new')
            self.assertFalse(ticket.callback_done)

    def test_claim_approval(self):
        "Only the store's chain approves its claims, within its limits"
        ticket_id, (small, big) = self.create(claims=['300', '800'])
        client = self.client()

        # other branches neither read nor approve the claims
        for login in ['store2', 'region2']:
            headers = self.login(client, login)
            result = self.call(
                client, headers, 'model.qms.fund.claim.approve', [big])
            self.assertIn("service units", result['error'][1][0])
            result = self.call(
                client, headers, 'model.qms.fund.claim.create', [{
                        'ticket': ticket_id, 'unit': self.units[login],
                        'amount': {'__class__': 'Decimal', 'decimal': '10'},
                        'currency': self.currency, 'reason': "Mine",
                        'company': self.company,
                        }])
            self.assertIn('error', result)

        store = self.login(client, 'store')
        result = self.call(
            client, store, 'model.qms.fund.claim.approve', [small])
        self.assertNotIn('error', result)
        result = self.call(
            client, store, 'model.qms.fund.claim.approve', [big])
        self.assertIn('"Region"', result['error'][1][0])
        # nor by writing the approval
        for values in [{'state': 'approved'}, {'approved_by': 1}]:
            result = self.call(
                client, store, 'model.qms.fund.claim.write', [big], values)
            self.assertIn('workflow', result['error'][1][0])
        # an approved claim keeps its amount
        result = self.call(client, store, 'model.qms.fund.claim.write',
            [small], {'amount': {'__class__': 'Decimal', 'decimal': '3000'}})
        self.assertIn('Approved', result['error'][1][0])

        region = self.login(client, 'region')
        result = self.call(
            client, region, 'model.qms.fund.claim.approve', [big])
        self.assertNotIn('error', result)
        with Transaction().start(self.db_name, 0):
            Claim = Pool().get('qms.fund.claim')
            small, big = Claim.browse([small, big])
            self.assertEqual(small.amount, Decimal('300'))
            self.assertEqual(
                (small.state, small.approval_unit.name),
                ('approved', "Store"))
            self.assertEqual(
                (big.state, big.approval_unit.name, big.approved_by.login),
                ('approved', "Region", 'region'))
