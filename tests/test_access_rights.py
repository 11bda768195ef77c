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
from itertools import product

from proteus import Model
from proteus import config as pconfig
from rpc import LOGINS, PASSWORD, DemoRPCTestCase, RPCError

from demo.__main__ import STEPS
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


class AccessRightsTestCase(DemoRPCTestCase):
    "Test the access rights of every demo role over RPC"

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

    def test_demo_screens_have_content(self):
        "Test the demo fills the reports, reminders and attachments, once"
        admin = self.session('admin')

        def content():
            reports = admin('qms.service.report.weekly', 'search_read',
                [], 0, None, None, ['store'])
            reminders = admin('qms.expiry.reminder', 'search_read',
                [], 0, None, None, ['number', 'state'])
            # the demo's qualifications, not those other tests add
            documents = admin('party.qualification', 'search_read',
                [('create_uid.login', '=', 'admin')], 0, None, None,
                ['number', 'document'])
            return reports, reminders, documents
        reports, reminders, documents = content()
        self.assertTrue(reports)
        self.assertTrue(documents)
        self.assertIn({'number': '粤深食药监械经营许20150077号',
                'state': 'expired'},
            [{k: r[k] for k in ['number', 'state']} for r in reminders])
        for qualification in documents:
            document = qualification['document']
            self.assertTrue(document.startswith(b'%PDF-1.4'))
            self.assertTrue(document.rstrip().endswith(b'%%EOF'))
        adverse, = admin('qms.ticket', 'search_read',
            [('type', '=', 'adverse_event')], 0, None, None,
            ['forwarded_to', 'registrant'])
        self.assertTrue(adverse['forwarded_to'])
        self.assertEqual(adverse['forwarded_to'], adverse['registrant'])

        # bin/run loads the demo again on each start
        config = pconfig.set_trytond(DB_NAME)
        for step in STEPS:
            step.load(config)
        self.assertEqual(
            [len(r) for r in content()],
            [len(reports), len(reminders), len(documents)])

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

    # reading follows access, values are sane (issue 10, items 3 to 6)

    def readers(self, model):
        "Return the logins whose own session may read model"
        readers = set()
        for login in LOGINS:
            try:
                self.session(login)(model, 'search_count', [])
            except RPCError:
                continue
            readers.add(login)
        return readers

    def test_export_records_wizard_access(self):
        "Test only who reads the records exports them, by the record rules"
        for kind, model in [('sales', 'qms.sales.record'),
                ('purchase', 'qms.purchase.record')]:
            readers = self.readers(model)
            self.assertIn('quality', readers)
            self.assertNotIn('store', readers)
            for login in LOGINS:
                session = self.session(login)
                with self.subTest(login=login, kind=kind):
                    session_id = session.call(
                        'wizard.qms.export.records.create',
                        session.context)[0]
                    execute = ('wizard.qms.export.records.execute',
                        session_id, {'start': {'kind': kind,
                                'date_from': None, 'date_to': None}},
                        'export', session.context)
                    if login not in readers:
                        with self.assertRaises(RPCError) as cm:
                            session.call(*execute)
                        self.assertIn(cm.exception.kind,
                            {'user', 'access'},
                            msg=cm.exception.text)
                        continue
                    result = session.call(*execute)
                    rows = result['view']['defaults']['rows']
                    self.assertEqual(
                        rows, session(model, 'search_count', []))

    def test_export_data_follows_record_rules(self):
        "Test export_data refuses the tickets and claims read refuses"
        admin = self.session('admin')
        claims = admin('qms.fund.claim', 'search_read', [], 0, None, None,
            ['ticket'])
        tickets = self.ids['tickets']
        for login in ['store', 'region']:
            units = UNITS[login]
            session = self.session(login)
            hidden = [t for t, u in tickets.items() if not u & units]
            own = [t for t, u in tickets.items() if u & units]
            hidden_claims = [c['id'] for c in claims
                if c['ticket'] in hidden]
            own_claims = [c['id'] for c in claims if c['ticket'] in own]
            self.assertTrue(hidden and own and hidden_claims, msg=login)
            for model, hidden_ids, own_ids in [
                    ('qms.ticket', hidden, own),
                    ('qms.fund.claim', hidden_claims, own_claims),
                    ]:
                with self.subTest(login=login, model=model):
                    self.assertRefused(session, model, 'read',
                        hidden_ids[:1], ['id'])
                    for ids in [hidden_ids[:1], own_ids + hidden_ids[:1]]:
                        self.assertRefused(session, model, 'export_data',
                            ids, ['rec_name'])
                    if own_ids:
                        self.assertEqual(len(session(model, 'export_data',
                                    own_ids, ['rec_name'])), len(own_ids))
                    exported = session(model, 'export_data_domain',
                        [], ['id'])
                    self.assertEqual(len(exported),
                        len(session(model, 'search', [], 0, None, None)))

    def test_trace_follows_records_access(self):
        "Test only who reads the sales records traces lots"
        readers = self.readers('qms.sales.record')
        for login in LOGINS:
            session = self.session(login)
            context = {**session.context, 'lots': [self.ids['syringe_lot']]}
            for model, field in [('qms.trace.downstream', 'customer'),
                    ('qms.trace.upstream', 'supplier')]:
                with self.subTest(login=login, model=model):
                    call = (f'model.{model}.search_read', [], 0, None, None,
                        [field], context)
                    if login in readers:
                        self.assertTrue(session.call(*call))
                    else:
                        with self.assertRaises(RPCError) as cm:
                            session.call(*call)
                        self.assertIn(cm.exception.kind,
                            {'user', 'access'})

    def test_computed_models_refuse_changes(self):
        "Test models computed by a query refuse changes with a user error"
        models = ['qms.figure.sla', 'qms.figure.complaint',
            'qms.figure.provider', 'qms.figure.staff',
            'qms.figure.satisfaction', 'qms.fund.summary',
            'qms.training.pass_rate', 'qms.trace.downstream',
            'qms.trace.upstream', 'party.qualification.revision',
            'product.registration.revision']
        for login in LOGINS:
            session = self.session(login)
            for model in models:
                with self.subTest(login=login, model=model):
                    self.assertRefused(session, model, 'create', [{}])
                    self.assertRefused(session, model, 'write', [1], {})
                    self.assertRefused(session, model, 'delete', [1])

    def test_malformed_values_refused(self):
        "Test malformed values of each role give a user error"
        admin = self.session('admin')
        recall_id, = admin('qms.recall', 'search',
            [('reference', '=', 'RC-2026-001')], 0, None, None)
        row_ids = admin('qms.recall.line.lot', 'search',
            [('line.recall', '=', recall_id)], 0, None, None)
        claim_ids = admin('qms.fund.claim', 'search',
            [('state', '=', 'draft')], 0, None, None)
        sale_id, = admin('sale.sale', 'search',
            [('party', '=', self.ids['unqualified'])], 0, None, None)
        line_ids = admin('sale.line', 'search',
            [('sale', '=', sale_id)], 0, None, None)
        self.assertTrue(row_ids and claim_ids and line_ids)
        before = {
            'qms.recall.line.lot': admin('qms.recall.line.lot', 'read',
                row_ids, ['returned_quantity']),
            'qms.fund.claim': admin('qms.fund.claim', 'read',
                claim_ids, ['amount']),
            'sale.line': admin('sale.line', 'read',
                line_ids, ['quantity', 'unit_price']),
            }

        def decimal(text):
            return {'__class__': 'Decimal', 'decimal': text}
        datetime = {'__class__': 'datetime', 'year': 2040, 'month': 1,
            'day': 1, 'hour': 8, 'minute': 0, 'second': 0,
            'microsecond': 0}
        for model, logins, malformed in [
                ('qms.recall.line.lot', ['quality'], [
                        {'returned_quantity': [1]},
                        {'returned_quantity': float('nan')},
                        ]),
                ('qms.fund.claim', ['aftersales', 'hq', 'store', 'region'], [
                        {'amount': decimal('1e999999')},
                        {'amount': decimal('NaN')},
                        ]),
                ('sale.line', ['sales'], [
                        {'quantity': float('inf')},
                        {'unit_price': decimal('-1000')},
                        {'quantity': -5},
                        ]),
                ]:
            fields = sorted({f for v in malformed for f in v})
            session = record = None
            for login, record in product(logins, before[model]):
                # a role that may write the record: the same values pass
                session = self.session(login)
                try:
                    session(model, 'write', [record['id']], {
                            f: decimal(str(record[f]))
                            if isinstance(record[f], Decimal) else record[f]
                            for f in fields})
                except RPCError:
                    continue
                break
            else:
                self.fail(f"no demo role writes {model}")
            for values in malformed:
                with self.subTest(login=login, model=model, values=values):
                    self.assertRefused(
                        session, model, 'write', [record['id']], values)
            ids = [r['id'] for r in before[model]]
            self.assertEqual(admin(model, 'read', ids, fields), before[model])

        quality = self.session('quality')
        context = {**quality.context,
            'active_model': 'product.registration',
            'active_id': self.ids['registration'],
            'active_ids': [self.ids['registration']]}
        session_id = quality.call(
            'wizard.product.registration.renew.create', context)[0]
        with self.assertRaises(RPCError) as cm:
            quality.call('wizard.product.registration.renew.execute',
                session_id, {'start': {'expiration_date': datetime}},
                'renew', context)
        self.assertEqual(cm.exception.kind, 'user')

        warehouse = self.session('warehouse')
        session_id = warehouse.call(
            'wizard.qms.udi.scan.create', warehouse.context)[0]
        for state in ['start', 'scan']:
            with self.subTest(state=state), \
                    self.assertRaises(RPCError) as cm:
                warehouse.call('wizard.qms.udi.scan.execute', session_id,
                    {'start': {'code': '0104612345678903'}}, state,
                    warehouse.context)
            self.assertEqual(cm.exception.kind, 'user')

    def test_backdated_sale_blocked(self):
        "Test back-dating a sale does not pass an expired licence"
        import datetime as dt
        admin = self.session('admin')
        sale_id, = admin('sale.sale', 'search',
            [('party', '=', self.ids['unqualified'])], 0, None, None)
        (sale,) = admin('sale.sale', 'read', [sale_id], ['sale_date'])
        back = dt.date.today() - dt.timedelta(days=60)
        sales = self.session('sales')
        sales('sale.sale', 'write', [sale_id], {'sale_date': {
                    '__class__': 'date', 'year': back.year,
                    'month': back.month, 'day': back.day}})
        try:
            error = self.assertRefused(sales, 'sale.sale', 'quote', [sale_id])
            self.assertIn('[Q01]', error.text)
            (after,) = admin('sale.sale', 'read', [sale_id], ['state'])
            self.assertEqual(after['state'], 'draft')
        finally:
            admin('sale.sale', 'write', [sale_id],
                {'sale_date': sale['sale_date']})

    def test_regulatory_data_stays_put(self):
        "Test a stopped lot keeps its number, a used registration stays"
        admin = self.session('admin')
        lot_id = self.ids['stopped_lot']
        (lot,) = admin('stock.lot', 'read', [lot_id], ['number'])
        error = self.assertRefused(self.session('warehouse'), 'stock.lot',
            'write', [lot_id], {'number': 'SYR-RENAMED'})
        self.assertIn(lot['number'], error.text)
        self.assertEqual(
            admin('stock.lot', 'read', [lot_id], ['number']), [lot])

        registration_id = self.ids['registration']
        templates = admin('product.template', 'search',
            [('registration', '=', registration_id)], 0, None, None)
        self.assertTrue(templates)
        error = self.assertRefused(self.session('quality'),
            'product.registration', 'delete', [registration_id])
        self.assertNotIn('foreign', error.text.lower())
        self.assertEqual(admin('product.template', 'search',
                [('registration', '=', registration_id)], 0, None, None),
            templates)
