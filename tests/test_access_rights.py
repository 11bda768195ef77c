"""Access rights of every demo role, over JSON-RPC.

The demo data (demo/, as bin/run loads it) is loaded into the test
database; each demo user then logs in through Tryton's WSGI application
with the demo password and a real session, as the web client does, and the
matrix below is checked call by call:

- only quality (and the QMS administrator) edit partner qualifications and
  registrations; sales roles and everybody else cannot;
- nobody passes Q01 or Q02: no override exists for them, and the shipment
  of an unqualified customer or of a lot under sales stop cannot be packed,
  whoever ships it;
- after-sales users see the tickets of their service units only (a store
  its store, a region its stores), HQ sees all, the other roles none;
- nobody, the administrator included, writes, creates or deletes sales or
  purchase records or sanction history, and the records stay as they were;
- repeated bad passwords throttle the login, even for the right one.
"""
from decimal import Decimal

from proteus import Model

from demo.base import PASSWORD
from tests.rpc import LOGINS, DemoTestCase, RPCError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

QUALITY = {'quality', 'admin'}
STOCK = {'warehouse', 'quality', 'management', 'admin'}
SALES = {'sales', 'sales_manager', 'aftersales', 'management', 'admin'}
UNITS = {
    # login: service unit codes whose tickets the user may see
    'store': {'S-WY'},
    'region': {'R-CS', 'S-WY', 'S-HX'},
    'aftersales': {'HQ', 'R-CS', 'R-ZZ', 'S-WY', 'S-HX', 'S-ZZ'},
    'hq': {'HQ', 'R-CS', 'R-ZZ', 'S-WY', 'S-HX', 'S-ZZ'},
    'management': {'HQ', 'R-CS', 'R-ZZ', 'S-WY', 'S-HX', 'S-ZZ'},
    'admin': {'HQ', 'R-CS', 'R-ZZ', 'S-WY', 'S-HX', 'S-ZZ'},
    }
REGULATORY = ['qms.sales.record', 'qms.purchase.record',
    'qms.provider.sanction']


class AccessRightsTestCase(DemoTestCase):
    "Test the access rights of every demo role over RPC"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with Transaction().start(DB_NAME, 0):
            cls.ids = cls.find_ids()

    @classmethod
    def find_ids(cls):
        pool = Pool()
        Qualification = pool.get('party.qualification')
        Registration = pool.get('product.registration')
        Ticket = pool.get('qms.ticket')
        Party = pool.get('party.party')
        Lot = pool.get('stock.lot')
        Stop = pool.get('qms.sales.stop')
        # records no other check depends on
        ids = {
            'qualification': Qualification.search([
                    ('party.name', '=', "范围不全医疗科技有限公司")])[0].id,
            'registration': Registration.search([
                    ('number', '=', '国械注准20153130099')])[0].id,
            'unqualified': Party.search(
                [('name', '=', "过期许可医疗器械有限公司")])[0].id,
            'hospital': Party.search(
                [('name', '=', "北京协和样例医院")])[0].id,
            'syringe_lot': Lot.search([('number', '=', 'SYR-2501')])[0].id,
            'stopped_lot': Lot.search([('number', '=', 'SYR-2501')])[0].id,
            }
        assert Stop.search([
                ('lots', '=', ids['stopped_lot']),
                ('state', '=', 'active')]), "the demo recall stops SYR-2501"
        ids['tickets'] = {t.id: {t.handling_unit.code}
            | {e.from_unit.code for e in t.escalations}
            for t in Ticket.search([])}
        ids['handled'] = {t.id: t.handling_unit.code
            for t in Ticket.search([])}
        ids['regulatory'] = {}
        for model in REGULATORY:
            records = pool.get(model).search([])
            assert records, f"the demo has no {model}"
            ids['regulatory'][model] = [r.id for r in records]
        return ids

    def assertRefused(self, session, model, method, *params):
        with self.assertRaises(RPCError,
                msg=f"{session.login} may {method} {model}") as cm:
            session(model, method, *params)
        self.assertIn(cm.exception.kind, {'user', 'access'},
            msg=cm.exception.text)
        return cm.exception

    def test_qualifications_and_registrations(self):
        "Test only quality edits qualifications and registrations"
        for login in LOGINS:
            session = self.session(login)
            for model, field, key in [
                    ('party.qualification', 'issuer', 'qualification'),
                    ('product.registration', 'models', 'registration'),
                    ]:
                with self.subTest(login=login, model=model):
                    record_id = self.ids[key]
                    value = session(model, 'read', [record_id], [field])
                    value = value[0][field]
                    if login in QUALITY:
                        session(model, 'write', [record_id], {field: value})
                        continue
                    self.assertRefused(session, model, 'write',
                        [record_id], {field: "changed by %s" % login})
                    self.assertRefused(session, model, 'delete', [record_id])
                    self.assertRefused(session, model, 'create', [{}])
                    self.assertEqual(session(model, 'read', [record_id],
                            [field])[0][field], value)

    def test_nobody_overrides_q01_q02(self):
        "Test no user creates an override or concession for Q01 or Q02"
        admin = self.session('admin')
        sale_id, = admin('sale.sale', 'search',
            [('party', '=', self.ids['unqualified'])], 0, None, None)
        for login in LOGINS:
            session = self.session(login)
            for rule in ['Q01', 'Q02']:
                with self.subTest(login=login, rule=rule):
                    self.assertRefused(session, 'qms.sales.override',
                        'create', [{'sale': sale_id, 'rule': rule,
                                'reason': "urgent"}])
            with self.subTest(login=login, action='quote'):
                error = self.assertRefused(
                    session, 'sale.sale', 'quote', [sale_id])
                if login in SALES:
                    self.assertIn('[Q01]', error.text)
        self.assertEqual(admin('qms.sales.override', 'search_count', []), 0)
        sale, = admin('sale.sale', 'read', [sale_id], ['state'])
        self.assertEqual(sale['state'], 'draft')

    @staticmethod
    def picked_shipment(customer_id, lot_id):
        "A customer shipment of one unit of the lot, picked and ready to pack"
        Shipment = Model.get('stock.shipment.out')
        Party = Model.get('party.party')
        Lot = Model.get('stock.lot')
        customer, lot = Party(customer_id), Lot(lot_id)
        shipment = Shipment(customer=customer)
        move = shipment.outgoing_moves.new(product=lot.product)
        move.quantity = 1
        move.from_location = shipment.warehouse_output
        move.to_location = customer.customer_location
        move.unit_price = Decimal('1')
        move.currency = shipment.company.currency
        shipment.click('wait')
        for move in shipment.inventory_moves:
            move.lot = lot
        shipment.save()
        shipment.click('assign_force')
        shipment.click('pick')
        return shipment.id

    def test_gate_blocks_every_shipper(self):
        "Test Q01 and Q02 stop the shipment whoever packs it"
        admin = self.session('admin')
        records = admin('qms.sales.record', 'search_count', [])
        for login in sorted(STOCK):
            session = self.session(login)
            for rule, customer, lot in [
                    ('Q01', 'unqualified', 'syringe_lot'),
                    ('Q02', 'hospital', 'stopped_lot'),
                    ]:
                with self.subTest(login=login, rule=rule):
                    shipment_id = self.picked_shipment(
                        self.ids[customer], self.ids[lot])
                    error = self.assertRefused(session,
                        'stock.shipment.out', 'pack', [shipment_id])
                    self.assertIn(f'[{rule}]', error.text)
                    self.assertRefused(session,
                        'stock.shipment.out', 'do', [shipment_id])
                    (shipment,) = admin('stock.shipment.out', 'read',
                        [shipment_id], ['state'])
                    self.assertEqual(shipment['state'], 'picked')
        self.assertEqual(
            admin('qms.sales.record', 'search_count', []), records)

    def test_tickets_of_own_units(self):
        "Test after-sales users see only their units' tickets"
        tickets, handled = self.ids['tickets'], self.ids['handled']
        for login in LOGINS:
            session = self.session(login)
            with self.subTest(login=login):
                units = UNITS.get(login)
                if units is None:
                    self.assertRefused(session, 'qms.ticket', 'search',
                        [], 0, None, None)
                    continue
                seen = set(session(
                        'qms.ticket', 'search', [], 0, None, None))
                # the tickets its units handle, and none of other units
                self.assertLessEqual(
                    {t for t, u in handled.items() if u in units}, seen)
                self.assertLessEqual(
                    seen, {t for t, u in tickets.items() if u & units})
                hidden = [t for t, u in tickets.items() if not u & units]
                if hidden:
                    self.assertRefused(session, 'qms.ticket', 'read',
                        hidden[:1], ['number'])
                else:
                    self.assertEqual(seen, set(tickets))

    def test_regulatory_records_immutable(self):
        "Test nobody writes, creates or deletes regulatory records"
        admin = self.session('admin')
        fields = {
            'qms.sales.record': ['quantity', 'customer_name', 'lot_number'],
            'qms.purchase.record': ['quantity', 'supplier_name'],
            'qms.provider.sanction': ['level', 'provider', 'date'],
            }
        before = {model: admin(model, 'read', ids, fields[model])
            for model, ids in self.ids['regulatory'].items()}
        for login in LOGINS:
            session = self.session(login)
            for model, ids in self.ids['regulatory'].items():
                with self.subTest(login=login, model=model):
                    self.assertRefused(session, model, 'write', ids[:1],
                        {fields[model][0]: None})
                    self.assertRefused(session, model, 'delete', ids[:1])
                    self.assertRefused(session, model, 'create', [{}])
        for model, ids in self.ids['regulatory'].items():
            self.assertEqual(
                admin(model, 'read', ids, fields[model]), before[model])

    def test_login_throttled(self):
        "Test a burst of bad passwords blocks even the right one"
        client = self.client()
        login = 'store'

        def attempt(password):
            return client.post(f'/{DB_NAME}/rpc/', json={'id': 1,
                    'method': 'common.db.login',
                    'params': [login, {'password': password}, 'en']})
        self.assertIn('result', attempt(PASSWORD).json)
        try:
            statuses = [attempt('wrong-%s' % i).status_code
                for i in range(8)]
            self.assertIn(429, statuses)
            response = attempt(PASSWORD)
            self.assertEqual(response.status_code, 429)
            self.assertNotIn('result', response.json or {})
        finally:
            with Transaction().start(DB_NAME, 0) as transaction:
                Attempt = Pool().get('res.user.login.attempt')
                Attempt.delete(Attempt.search([('login', '=', login)]))
                transaction.commit()
