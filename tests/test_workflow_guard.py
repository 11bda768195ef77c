"""Workflow fields change only through their transitions, over JSON-RPC.

Each demo role calls, with its own session, the writes that skipped a
workflow before (issue 10): every call is refused with the workflow
message or the gate's, and the data stays as it was. A customer move done
by hand passes the gate and leaves its sales record, or is refused.
"""
import datetime as dt

from proteus import Model
from rpc import DemoRPCTestCase

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

# the messages of the workflow guard, in English or zh_CN
WORKFLOW = ['buttons of its workflow', '流程按钮']
NO_CUSTOMER = ['delivers to a customer', '发往客户']


def rpc_datetime(value):
    return {'__class__': 'datetime', 'year': value.year,
        'month': value.month, 'day': value.day, 'hour': value.hour,
        'minute': value.minute, 'second': value.second, 'microsecond': 0}


def rpc_date(value):
    return {'__class__': 'date', 'year': value.year,
        'month': value.month, 'day': value.day}


class WorkflowGuardTestCase(DemoRPCTestCase):
    "Test the workflow fields and the delivery gate over RPC"

    @classmethod
    def find_ids(cls):
        pool = Pool()
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        Lot = pool.get('stock.lot')
        Location = pool.get('stock.location')
        Violation = pool.get('qms.provider.violation')
        Inspection = pool.get('qms.service.inspection')
        Survey = pool.get('qms.satisfaction.survey')
        Nonconformity = pool.get('qms.nonconformity')
        Ticket = pool.get('qms.ticket')
        Escalation = pool.get('qms.ticket.escalation')
        Stop = pool.get('qms.sales.stop')
        Recall = pool.get('qms.recall')
        LineLot = pool.get('qms.recall.line.lot')
        Qualification = pool.get('party.qualification')
        ShipmentOut = pool.get('stock.shipment.out')
        ShipmentIn = pool.get('stock.shipment.in')
        ids = {}
        unqualified, = Party.search(
            [('name', '=', "过期许可医疗器械有限公司")])
        hospital, = Party.search([('name', '=', "北京协和样例医院")])
        ids['unqualified'] = unqualified.id
        ids['unqualified_address'] = unqualified.addresses[0].id
        ids['hospital'] = hospital.id
        ids['sale'], = [s.id for s in Sale.search([
                    ('party', '=', unqualified.id),
                    ('state', '=', 'draft')], limit=1)]
        good_sale, = Sale.search([
                ('party', '=', hospital.id),
                ('state', '=', 'processing')], limit=1)
        ids['sale_lines'] = {l.product.code: l.id for l in good_sale.lines}
        ids['currency'] = good_sale.currency.id
        stopped, = Lot.search([('number', '=', 'SYR-2501')])
        ids['stopped_lot'] = stopped.id
        ids['syringe'] = stopped.product.id
        ids['units'] = {stopped.product.id: stopped.product.default_uom.id}
        ids['storage'], = [l.id for l in Location.search(
                [('code', '=', 'STO')], limit=1)]
        ids['customer_location'] = hospital.customer_location.id
        ids['violation'], = [v.id for v in Violation.search(
                [('state', '=', 'confirmed')], limit=1)]
        inspection, = Inspection.search([('state', '=', 'done')], limit=1)
        ids['inspection_line'] = inspection.lines[0].id
        survey, = Survey.search([('state', '=', 'done')], limit=1)
        ids['survey'] = survey.id
        ids['survey_line'] = survey.lines[0].id
        ids['nonconformity'], = [n.id for n in Nonconformity.search(
                [('state', '=', 'open')], limit=1)]
        ids['ticket'], = [t.id for t in Ticket.search(
                [('state', '=', 'in_progress')], limit=1)]
        ids['escalations'] = [e.id for e in Escalation.search([])]
        stop, = Stop.search([
                ('lots', '=', ids['stopped_lot']),
                ('state', '=', 'active')])
        ids['stop'] = stop.id
        ids['recall'], = [r.id for r in Recall.search(
                [('state', '=', 'open')], limit=1)]
        ids['line_lot'], = [r.id for r in LineLot.search([], limit=1)]
        ids['qualification'], = [q.id for q in Qualification.search([
                    ('verified_by', '!=', None),
                    ('party', '=', hospital.id)], limit=1)]
        ids['shipment_done'], = [s.id for s in ShipmentOut.search(
                [('state', '=', 'done')], limit=1)]
        ids['shipment_in'], = [s.id for s in ShipmentIn.search(
                [('state', '=', 'done')], limit=1)]
        return ids

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with Transaction().start(DB_NAME, 0) as transaction:
            cls.ids.update(cls.create_records())
            transaction.commit()

    @classmethod
    def create_records(cls):
        "Create what the demo does not hold"
        pool = Pool()
        Violation = pool.get('qms.provider.violation')
        Escalation = pool.get('qms.ticket.escalation')
        Ticket = pool.get('qms.ticket')
        Lot = pool.get('stock.lot')
        Product = pool.get('product.product')
        confirmed = Violation(cls.ids['violation'])
        draft, = Violation.copy([confirmed])
        ids = {'draft_violation': draft.id}
        if not cls.ids['escalations']:
            ticket = Ticket(cls.ids['ticket'])
            escalation, = Escalation.create([{
                        'ticket': ticket.id, 'date': dt.datetime.now(),
                        'from_unit': ticket.handling_unit.id,
                        'to_unit': ticket.handling_unit.id,
                        'cause': 'manual'}])
            ids['escalations'] = [escalation.id]
        monitor, = Product.search([('code', '=', 'BPM-E10')])
        lot, = Lot.create([{'number': 'BPM-GUARD-1', 'product': monitor.id}])
        ids['monitor'], ids['monitor_lot'] = monitor.id, lot.id
        ids['units'] = {
            **cls.ids['units'], monitor.id: monitor.default_uom.id}
        return ids

    def read(self, model, ids, names):
        return self.session('admin')(model, 'read', ids, names)

    def assertMessage(self, texts, error):
        self.assertTrue(any(t in error.text for t in texts), msg=error.text)

    def assertWorkflowRefused(self, session, model, method, *params):
        error = self.assertRefused(session, model, method, *params)
        self.assertMessage(WORKFLOW, error)
        return error

    def test_sale_state(self):
        "Test a sale is quoted and confirmed only by its buttons"
        session = self.session('sales')
        sale_id = self.ids['sale']
        today = rpc_date(dt.date.today())
        for values in [
                {'state': 'confirmed', 'sale_date': today},
                {'state': 'quotation'},
                {'reviewed_by': 1},
                ]:
            with self.subTest(values=values):
                self.assertWorkflowRefused(
                    session, 'sale.sale', 'write', [sale_id], values)
        address = self.ids['unqualified_address']
        self.assertWorkflowRefused(session, 'sale.sale', 'create', [{
                    'party': self.ids['unqualified'], 'state': 'confirmed',
                    'invoice_address': address, 'shipment_address': address,
                    }])
        (sale,) = self.read('sale.sale', [sale_id], ['state', 'sale_date'])
        self.assertEqual(sale['state'], 'draft')

    def customer_move(self, session, lot, origin=None, product=None):
        "Create by hand a draft move of one unit to the hospital"
        product = product or self.ids['monitor']
        move_id, = session('stock.move', 'create', [{
                    'product': product,
                    'lot': lot,
                    'quantity': 1,
                    'unit': self.ids['units'][product],
                    'from_location': self.ids['storage'],
                    'to_location': self.ids['customer_location'],
                    'unit_price': {'__class__': 'Decimal', 'decimal': '1'},
                    'currency': self.ids['currency'],
                    'origin': origin,
                    }])
        return move_id

    def test_move_state(self):
        "Test a move is assigned and done only by its buttons"
        session = self.session('warehouse')
        admin = self.session('admin')
        records = admin('qms.sales.record', 'search_count', [])
        move_id = self.customer_move(session, self.ids['monitor_lot'],
            origin='sale.line,%s' % self.ids['sale_lines']['BPM-E10'])
        for state in ['assigned', 'done']:
            with self.subTest(state=state):
                self.assertWorkflowRefused(session, 'stock.move', 'write',
                    [move_id], {'state': state})
                self.assertWorkflowRefused(session, 'stock.move', 'create', [{
                            'product': self.ids['monitor'], 'quantity': 1,
                            'unit': self.ids['units'][self.ids['monitor']],
                            'state': state,
                            'from_location': self.ids['storage'],
                            'to_location': self.ids['customer_location'],
                            }])
        (move,) = self.read('stock.move', [move_id], ['state'])
        self.assertEqual(move['state'], 'draft')
        self.assertEqual(
            admin('qms.sales.record', 'search_count', []), records)
        session('stock.move', 'delete', [move_id])

    def test_shipment_state(self):
        "Test a shipment is done only by its button"
        session = self.session('warehouse')
        Shipment = Model.get('stock.shipment.out')
        shipment = Shipment(customer=Model.get('party.party')(
                self.ids['hospital']))
        shipment.save()
        for model, shipment_id, state in [
                ('stock.shipment.out', shipment.id, 'done'),
                ('stock.shipment.out', self.ids['shipment_done'], 'draft'),
                ('stock.shipment.in', self.ids['shipment_in'], 'draft'),
                ]:
            with self.subTest(model=model, state=state):
                (before,) = self.read(model, [shipment_id], ['state'])
                self.assertWorkflowRefused(session, model, 'write',
                    [shipment_id], {'state': state})
                self.assertEqual(
                    self.read(model, [shipment_id], ['state']), [before])

    def test_move_do_gated(self):
        "Test a customer move done by hand passes the gate or is refused"
        session = self.session('warehouse')
        admin = self.session('admin')
        records = admin('qms.sales.record', 'search_count', [])
        stopped = self.customer_move(session, self.ids['stopped_lot'],
            origin='sale.line,%s' % self.ids['sale_lines']['BPM-E10'],
            product=self.ids['syringe'])
        orphan = self.customer_move(session, self.ids['monitor_lot'])
        self.assign([stopped, orphan])
        for move_id, texts in [(stopped, ['[Q02]']), (orphan, NO_CUSTOMER)]:
            with self.subTest(move=move_id):
                error = self.assertRefused(
                    session, 'stock.move', 'do', [move_id])
                self.assertMessage(texts, error)
        self.assertEqual(
            [m['state'] for m in self.read(
                    'stock.move', [stopped, orphan], ['state'])],
            ['assigned', 'assigned'])
        self.assertEqual(
            admin('qms.sales.record', 'search_count', []), records)
        self.assertEqual(admin('qms.gate.check', 'search_count', [
                    ('document', '=', 'stock.move,%s' % stopped),
                    ('result', '=', 'blocked'),
                    ('codes', '=', 'Q02'),
                    ]), 1)

        # the same move of a lot the customer may receive is delivered,
        # checked and recorded
        move_id = self.customer_move(session, self.ids['monitor_lot'],
            origin='sale.line,%s' % self.ids['sale_lines']['BPM-E10'])
        self.assign([move_id])
        session('stock.move', 'do', [move_id])
        (move,) = self.read('stock.move', [move_id], ['state'])
        self.assertEqual(move['state'], 'done')
        self.assertEqual(admin('qms.sales.record', 'search_count',
                [('move', '=', move_id)]), 1)
        self.assertEqual(admin('qms.gate.check', 'search_count', [
                    ('document', '=', 'stock.move,%s' % move_id),
                    ('result', '=', 'passed'),
                    ]), 1)

    @staticmethod
    def assign(move_ids):
        "Assign the moves as the system does, no RPC assigns a lone move"
        with Transaction().start(DB_NAME, 0) as transaction:
            Move = Pool().get('stock.move')
            Move.assign(Move.browse(move_ids))
            transaction.commit()

    def test_violation(self):
        "Test violations are confirmed only by their button"
        fields = ['points', 'state']
        confirmed, draft = self.ids['violation'], self.ids['draft_violation']
        before = self.read('qms.provider.violation', [confirmed, draft],
            fields)
        for login in ['store', 'region', 'aftersales']:
            session = self.session(login)
            for violation_id, values in [
                    (confirmed, {'points': 0}),
                    (confirmed, {'state': 'cancelled'}),
                    (draft, {'state': 'confirmed'}),
                    ]:
                with self.subTest(login=login, values=values):
                    self.assertRefused(session, 'qms.provider.violation',
                        'write', [violation_id], values)
        self.assertWorkflowRefused(self.session('aftersales'),
            'qms.provider.violation', 'write', [confirmed], {'points': 0})
        self.assertEqual(self.read('qms.provider.violation',
                [confirmed, draft], fields), before)

    def test_finished_inspection_and_survey(self):
        "Test done inspections and surveys keep their items and scores"
        session = self.session('store')
        for model, record_id, values in [
                ('qms.service.inspection.line', self.ids['inspection_line'],
                    {'passed': True}),
                ('qms.satisfaction.survey.line', self.ids['survey_line'],
                    {'score': '1'}),
                ('qms.satisfaction.survey', self.ids['survey'],
                    {'satisfaction': 5}),
                ]:
            with self.subTest(model=model):
                before = self.read(model, [record_id], list(values))
                self.assertWorkflowRefused(
                    session, model, 'write', [record_id], values)
                self.assertEqual(
                    self.read(model, [record_id], list(values)), before)
        self.assertWorkflowRefused(session, 'qms.service.inspection.line',
            'delete', [self.ids['inspection_line']])

    def test_nonconformity_state(self):
        "Test a nonconformity is closed only by its buttons"
        session = self.session('store')
        self.assertWorkflowRefused(session, 'qms.nonconformity', 'write',
            [self.ids['nonconformity']], {'state': 'closed'})
        (nc,) = self.read('qms.nonconformity', [self.ids['nonconformity']],
            ['state'])
        self.assertEqual(nc['state'], 'open')

    def test_ticket_date_and_escalations(self):
        "Test a ticket in progress keeps its date and escalations"
        ticket_id = self.ids['ticket']
        (before,) = self.read('qms.ticket', [ticket_id], ['date'])
        self.assertWorkflowRefused(self.session('aftersales'), 'qms.ticket',
            'write', [ticket_id],
            {'date': rpc_datetime(dt.datetime.now() + dt.timedelta(days=9))})
        escalations = self.ids['escalations'][:1]
        fields = ['cause', 'deadline']
        escalated = self.read('qms.ticket.escalation', escalations, fields)
        for login in ['aftersales', 'hq', 'management']:
            session = self.session(login)
            with self.subTest(login=login):
                self.assertRefused(session, 'qms.ticket.escalation',
                    'write', escalations,
                    {'deadline': rpc_datetime(dt.datetime(2000, 1, 1))})
                self.assertRefused(session, 'qms.ticket.escalation',
                    'delete', escalations)
        self.assertRefused(self.session('hq'), 'qms.ticket', 'write',
            [ticket_id], {'escalations': [('delete', escalations)]})
        self.assertEqual(
            self.read('qms.ticket', [ticket_id], ['date']), [before])
        self.assertEqual(
            self.read('qms.ticket.escalation', escalations, fields),
            escalated)

    def test_stop_and_recall(self):
        "Test quality releases stops and recalls only with their buttons"
        session = self.session('quality')
        stop_id, recall_id = self.ids['stop'], self.ids['recall']
        fields = ['state', 'lots', 'released_by', 'release_reason']
        (before,) = self.read('qms.sales.stop', [stop_id], fields)
        for values in [
                {'state': 'released'},
                {'state': 'draft'},
                {'released_by': 1},
                {'lots': [('remove', [self.ids['stopped_lot']])]},
                ]:
            with self.subTest(values=values):
                self.assertWorkflowRefused(session, 'qms.sales.stop',
                    'write', [stop_id], values)
        self.assertRefused(session, 'qms.sales.stop', 'delete', [stop_id])
        self.assertWorkflowRefused(session, 'qms.recall', 'write',
            [recall_id], {'state': 'cancelled'})
        self.assertEqual(
            self.read('qms.sales.stop', [stop_id], fields), [before])
        (recall,) = self.read('qms.recall', [recall_id], ['state'])
        self.assertEqual(recall['state'], 'open')

    def test_concession_approval(self):
        "Test a concession is approved only by its button"
        session = self.session('quality')
        admin = self.session('admin')
        count = admin('qms.concession', 'search_count', [])
        values = {
            'number': 'FORGED-1',
            'shipment': 'stock.shipment.out,%s' % self.ids['shipment_done'],
            'customer': self.read('stock.shipment.out',
                [self.ids['shipment_done']], ['customer'])[0]['customer'],
            'reason': "Inspection late",
            'customer_approval': "By phone",
            }
        for forged in [
                {'state': 'approved'},
                {'approved_by': 1,
                    'approved_date': rpc_datetime(dt.datetime.now())},
                ]:
            with self.subTest(forged=forged):
                self.assertWorkflowRefused(session, 'qms.concession',
                    'create', [{**values, **forged}])
        self.assertEqual(admin('qms.concession', 'search_count', []), count)

    def test_qualification_verification(self):
        "Test a verification is recorded only by the button"
        session = self.session('quality')
        qualification_id = self.ids['qualification']
        fields = ['number', 'verified_by', 'verified_date']
        (before,) = self.read('party.qualification', [qualification_id],
            fields)
        self.assertWorkflowRefused(session, 'party.qualification', 'write',
            [qualification_id], {
                'number': before['number'] + '-2',
                'verified_by': before['verified_by'],
                'verified_date': rpc_date(dt.date.today()),
                })
        self.assertEqual(self.read('party.qualification',
                [qualification_id], fields), [before])

    def test_returned_quantity_not_lowered(self):
        "Test a returned quantity goes down neither directly nor via NULL"
        session = self.session('quality')
        row_id = self.ids['line_lot']
        (row,) = self.read('qms.recall.line.lot', [row_id],
            ['returned_quantity', 'delivered_quantity'])
        returned = max(row['returned_quantity'] or 0, 1)
        session('qms.recall.line.lot', 'write', [row_id],
            {'returned_quantity': returned})
        for value in [None, returned - 1, float('nan')]:
            with self.subTest(value=value):
                self.assertRefused(session, 'qms.recall.line.lot', 'write',
                    [row_id], {'returned_quantity': value})
        (row,) = self.read(
            'qms.recall.line.lot', [row_id], ['returned_quantity'])
        self.assertEqual(row['returned_quantity'], returned)

    def test_buttons_still_write(self):
        "Test the buttons still set what the client may not write"
        with Transaction().start(DB_NAME, 0) as transaction:
            Violation = Pool().get('qms.provider.violation')
            violation, = Violation.copy(
                [Violation(self.ids['draft_violation'])])
            transaction.commit()
        self.session('hq')(
            'qms.provider.violation', 'confirm', [violation.id])
        (read,) = self.read(
            'qms.provider.violation', [violation.id], ['state'])
        self.assertEqual(read['state'], 'confirmed')
