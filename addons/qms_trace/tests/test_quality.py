# This file is part of the QMS modules for Tryton.
"Tests of sales stops, recalls, shelf life, UDI scanning and registers"
import datetime as dt
import unittest
from decimal import Decimal
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.qms_sales.tests.tools import load_translations
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .tools import (
    create_history,
    create_lot,
    create_party,
    create_product,
    locations,
    move,
    pdf_text,
    shipment_in,
    shipment_out,
    today,
)

GS = '\x1d'
GS1_CHARS = (
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
    "abcdefghijklmnopqrstuvwxyz")


def gtin_check_digit(digits):
    total = sum(
        int(d) * (3 if i % 2 == 0 else 1)
        for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def with_check_digit(digits):
    return digits + gtin_check_digit(digits)


def scan_product(gtin):
    "Return the product the scan wizard finds for gtin"
    Scan = Pool().get('qms.udi.scan', type='wizard')
    return Scan.get_product(None, gtin)


class QmsTraceQualityTestCase(unittest.TestCase):
    "Test sales stops, recalls, shelf life and UDI of qms_trace"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('qms_trace')

    def assertUDIError(self, value, *texts):
        from trytond.modules.qms_trace.exceptions import UDIError
        from trytond.modules.qms_trace.udi import parse
        with self.assertRaises(UDIError) as cm:
            parse(value)
        for text in texts:
            self.assertIn(text, cm.exception.message)

    @with_transaction()
    def test_udi_acceptance(self):
        "Test ]d2 + GTIN + expiry with day 00 + lot + GS + serial"
        from trytond.modules.qms_trace.udi import parse
        udi = parse(
            ']d2' '0104612345678903' '17261100' '10LOT-7' + GS + '21SN001')
        self.assertEqual(udi.gtin, '04612345678903')
        self.assertEqual(udi.expiry_date, dt.date(2026, 11, 30))
        self.assertEqual(udi.lot, 'LOT-7')
        self.assertEqual(udi.serial, 'SN001')
        self.assertEqual(
            udi.hri, '(01)04612345678903(17)261100(10)LOT-7(21)SN001')

    @with_transaction()
    def test_udi_prefixes_and_digital_link(self):
        "Test AIM prefixes, production date and GS1 Digital Link"
        from trytond.modules.qms_trace.udi import parse
        for prefix in ['', ']C1', ']Q3', ']d2']:
            udi = parse(prefix + '0104612345678903' '11250131' '10AB')
            self.assertEqual(udi.production_date, dt.date(2025, 1, 31))
            self.assertEqual(udi.lot, 'AB')
        udi = parse(
            'https://id.gs1.org/01/04612345678903/10/ABC?17=270200')
        self.assertEqual(udi.gtin, '04612345678903')
        self.assertEqual(udi.lot, 'ABC')
        self.assertEqual(udi.expiry_date, dt.date(2027, 2, 28))
        self.assertEqual(parse('4612345678903').gtin, '04612345678903')

    @with_transaction()
    def test_udi_errors(self):
        "Test every bad input gives a precise UDIError"
        self.assertUDIError('0104612345678904', 'check digit', 'Expected 3')
        self.assertUDIError(
            '0104612345678903' '10' + 'A' * 25, 'longer than 20', '(10)')
        self.assertUDIError(
            '0104612345678903' '21' + 'B' * 21 + GS + '10X',
            'longer than 20', '(21)')
        self.assertUDIError('0104612345678903' '2399', 'unknown GS1')
        self.assertUDIError('0104612345678903' '17261399', 'invalid element')
        self.assertUDIError('garbage', 'not a GS1')
        self.assertUDIError('', 'empty')
        self.assertUDIError('   ', 'empty')
        self.assertUDIError(b'\xff\xfe\x00', 'UTF-8')
        self.assertUDIError('0104612345678903\x00', 'U+0000')
        self.assertUDIError(']', 'cannot be read')
        self.assertUDIError('10ABC', 'no GTIN')
        self.assertUDIError(
            'https://id.gs1.org/01/04612345678904', 'check digit')
        self.assertUDIError('https://example.com/x', 'Digital Link')

    @with_transaction()
    def test_udi_valid_round_trip(self):
        "Test generated GS1 element strings parse back to their values"
        from trytond.modules.qms_trace.udi import parse

        text = st.text(alphabet=GS1_CHARS, min_size=1, max_size=20)
        dates = st.dates(dt.date(2000, 1, 1), dt.date(2049, 12, 31))

        @settings(max_examples=150, deadline=None,
            suppress_health_check=list(HealthCheck))
        @given(
            digits=st.text(alphabet='0123456789', min_size=13, max_size=13),
            expiry=st.one_of(st.none(), dates),
            day00=st.booleans(),
            production=st.one_of(st.none(), dates),
            lot=st.one_of(st.none(), text),
            serial=st.one_of(st.none(), text),
            prefix=st.sampled_from(['', ']d2', ']C1', ']Q3']))
        def check(digits, expiry, day00, production, lot, serial, prefix):
            gtin = with_check_digit(digits)
            code = prefix + '01' + gtin
            if production:
                code += '11' + production.strftime('%y%m%d')
            expected_expiry = expiry
            if expiry:
                if day00:
                    code += '17' + expiry.strftime('%y%m') + '00'
                    next_month = (expiry.replace(day=28)
                        + dt.timedelta(days=4))
                    expected_expiry = next_month - dt.timedelta(
                        days=next_month.day)
                else:
                    code += '17' + expiry.strftime('%y%m%d')
            if lot:
                code += '10' + lot + (GS if serial else '')
            if serial:
                code += '21' + serial
            udi = parse(code)
            self.assertEqual(udi.gtin, gtin)
            self.assertEqual(udi.lot, lot)
            self.assertEqual(udi.serial, serial)
            self.assertEqual(udi.production_date, production)
            self.assertEqual(udi.expiry_date, expected_expiry)
        check()

    @with_transaction()
    def test_udi_hostile_input(self):
        "Test arbitrary text and bytes raise nothing but UDIError"
        from trytond.modules.qms_trace.exceptions import UDIError
        from trytond.modules.qms_trace.udi import parse

        @settings(max_examples=300, deadline=None,
            suppress_health_check=list(HealthCheck))
        @given(st.one_of(
                st.text(),
                st.binary(),
                st.text(alphabet='0123456789' + GS + ']dCQ1234ABz',
                    max_size=60),
                st.builds(lambda s: ']d2' + s, st.text(max_size=40)),
                st.builds(lambda s: 'https://id.gs1.org/' + s,
                    st.text(max_size=40))))
        def check(value):
            try:
                parse(value)
            except UDIError:
                pass
        check()

    @with_transaction()
    def test_sales_stop_lot(self):
        "Test a stop on lots stops them, release frees them, history kept"
        pool = Pool()
        Stop = pool.get('qms.sales.stop')
        company = create_company()
        with set_company(company):
            product = create_product()
            lot = create_lot(product, 'L1')
            other = create_lot(product, 'L2')
            stop, = Stop.create([{
                        'product': product.id,
                        'lots': [('add', [lot.id])],
                        'reason': "Sterility doubt",
                        }])
            self.assertFalse(lot.is_sales_stopped())
            self.assertEqual(stop.lot_numbers, 'L1')

            Stop.stop([stop])
            self.assertEqual(stop.state, 'active')
            self.assertEqual(stop.stopped_by.id, Transaction().user)
            self.assertTrue(lot.is_sales_stopped())
            self.assertTrue(lot.is_sales_stopped(today()))
            self.assertFalse(
                lot.is_sales_stopped(today() - dt.timedelta(days=1)))
            self.assertFalse(other.is_sales_stopped())
            self.assertFalse(product.is_sales_stopped())

            Stop.notify_registrant([stop])
            self.assertTrue(stop.registrant_notified)
            self.assertEqual(stop.registrant_notified_date, today())

            from trytond.modules.qms_trace.exceptions import SalesStopError
            with self.assertRaises(SalesStopError):
                Stop.release([stop])
            with self.assertRaises(SalesStopError):
                Stop.delete([stop])
            stop.release_reason = "Tests passed"
            stop.save()
            Stop.release([stop])
            self.assertFalse(lot.is_sales_stopped())
            self.assertFalse(lot.is_sales_stopped(today()))
            self.assertTrue(stop.released_at)
            self.assertEqual(stop.released_by.id, Transaction().user)

    @with_transaction()
    def test_sales_stop_product(self):
        "Test a stop without lots stops the product and all its lots"
        pool = Pool()
        Stop = pool.get('qms.sales.stop')
        company = create_company()
        with set_company(company):
            product = create_product()
            lot = create_lot(product, 'L1')
            stop, = Stop.create([{
                        'product': product.id,
                        'reason': "Registration suspended",
                        }])
            Stop.stop([stop])
            self.assertTrue(product.is_sales_stopped())
            self.assertTrue(lot.is_sales_stopped())

    @with_transaction()
    def test_sales_stop_batch(self):
        "Test the stops of many lots and products are found in one search"
        from trytond.modules.qms_sales.tests.tools import count_queries
        pool = Pool()
        Stop = pool.get('qms.sales.stop')
        Lot = pool.get('stock.lot')
        Product = pool.get('product.product')
        company = create_company()
        with set_company(company):
            products = [create_product(f"P{i}", registration=False)
                for i in range(4)]
            lots = [create_lot(p, f'L{i}-{j}')
                for i, p in enumerate(products) for j in range(10)]
            stops = Stop.create([{
                        'product': products[0].id,
                        'lots': [('add', [lots[0].id, lots[1].id])],
                        'reason': "Sterility doubt",
                        }, {
                        'product': products[1].id,
                        'reason': "Registration suspended",
                        }])
            Stop.stop(stops)
            stopped = [lots[0], lots[1]] + lots[10:20]

            counts = []
            for some in [lots[:4] + lots[10:12], lots]:
                Transaction().cache.clear()
                some = Lot.browse(some)
                with count_queries() as counter:
                    self.assertEqual(Lot.get_sales_stopped(some),
                        [l for l in some if l in stopped])
                counts.append(counter[0])
            self.assertEqual(counts[0], counts[1])
            self.assertEqual(
                Product.get_sales_stopped(Product.browse(products)),
                [products[1]])
            self.assertEqual(
                Lot.get_sales_stopped(lots, today() - dt.timedelta(days=1)),
                [])

    @with_transaction()
    def test_recall_open_level1(self):
        "Test a level 1 recall opened today: deadline tomorrow, lot stopped"
        pool = Pool()
        Recall = pool.get('qms.recall')
        Line = pool.get('qms.recall.line')
        LineLot = pool.get('qms.recall.line.lot')
        Stop = pool.get('qms.sales.stop')
        from trytond.modules.qms_trace.exceptions import RecallError
        company = create_company()
        with set_company(company):
            history = create_history(company)
            lot = history['lot']
            customers = history['customers']
            recall, lot2 = self._create_recall_level1(company, history)

            mechanism, = customers['A'].contact_mechanisms
            mechanism.name = "Ms Li"
            mechanism.save()
            Recall.open([recall])

            self.assertEqual(recall.state, 'open')
            self.assertTrue(lot.is_sales_stopped())
            self.assertTrue(lot2.is_sales_stopped())
            stop = self._check_recall_stop(recall)
            line_a, line_c = self._check_recall_lines(
                recall, lot, lot2, customers)

            Line.notify([line_a])
            Line.acknowledge([line_a])
            self.assertTrue(line_a.notified)
            self.assertEqual(line_a.notified_date, today())
            self.assertEqual(line_a.acknowledged_date, today())
            LineLot.write([line_a.lots[0]], {'returned_quantity': 3})
            recall = Recall(recall.id)
            self.assertEqual(recall.notified_rate, 0.5)
            self.assertEqual(Line(line_a.id).returned_quantity, 3)
            self.assertAlmostEqual(recall.returned_rate, 3 / 8)
            self.assertEqual(Line.search([('overdue', '=', True)]), [])
            with patch.object(pool.get('ir.date'), 'today',
                    return_value=today() + dt.timedelta(days=2)):
                self.assertEqual(
                    Line.search([('overdue', '=', True)]), [line_c])
                self.assertEqual(
                    Line.search([('overdue', '=', False)]), [line_a])

            self._check_recall_lines_kept(
                recall, line_a, line_c, customers)

            self._check_recall_export(recall)

            Recall.cancel([recall])
            self.assertFalse(lot.is_sales_stopped())
            self.assertEqual(Stop(stop.id).state, 'released')
            self.assertFalse(Stop(stop.id).release_reason)
            with Transaction().set_context(language='zh_CN'):
                self.assertEqual(Stop(stop.id).release_description,
                    "召回 R-1 已取消。")
            with self.assertRaises(RecallError):
                Line.write([line_c], {'phone': '110'})

    def _create_recall_level1(self, company, history):
        "Return a draft level 1 recall of the lot and a second lot L2"
        Recall = Pool().get('qms.recall')
        lot = history['lot']
        customers = history['customers']
        loc = locations()
        lot2 = create_lot(history['product'], number='L2')
        move(company, history['product'], lot2, loc['supplier'],
            loc['storage'], 5, shipment=history['receipt'])
        move(company, history['product'], lot2, loc['storage'],
            loc['customer'], 1,
            shipment=shipment_out(company, customers['A']))
        recall, = Recall.create([{
                    'reference': 'R-1',
                    'level': '1',
                    'reason': "Seal defect",
                    'lots': [('add', [lot.id, lot2.id])],
                    'notice': "Manufacturer notice",
                    }])
        return recall, lot2

    def _check_recall_stop(self, recall):
        "Check the recall stopped its lots with its reason and return the stop"
        Stop = Pool().get('qms.sales.stop')
        stop, = recall.stops
        self.assertEqual(stop.state, 'active')
        self.assertFalse(stop.reason)
        load_translations('zh_CN', 'qms_trace')
        for language, text in [
                ('en', "Recall R-1: Seal defect"),
                ('zh_CN', "召回 R-1：Seal defect"),
                ]:
            with Transaction().set_context(language=language):
                self.assertEqual(Stop(stop.id).description, text)
        return stop

    def _check_recall_lines(self, recall, lot, lot2, customers):
        "Check the lines the recall opened with and return them"
        # one line per customer, B returned everything
        self.assertEqual(
            [(l.customer, l.delivered_quantity) for l in recall.lines],
            [(customers['A'], 4), (customers['C'], 4)])
        line_a, line_c = recall.lines
        # the person to call, not the company again
        self.assertEqual(line_a.contact, "Ms Li")
        self.assertFalse(line_c.contact)
        self.assertEqual(
            [(r.lot, r.delivered_quantity) for r in line_a.lots],
            [(lot, 3), (lot2, 1)])
        self.assertEqual(
            [(r.lot, r.delivered_quantity) for r in line_c.lots],
            [(lot, 4)])
        for line in recall.lines:
            self.assertEqual(
                line.deadline, today() + dt.timedelta(days=1))
            self.assertIn(line.customer.name, line.address)
            self.assertEqual(line.phone, '+8657188880000')
            self.assertTrue(line.shipments)
        self.assertEqual(recall.notified_rate, 0)
        return line_a, line_c

    def _check_recall_lines_kept(self, recall, line_a, line_c, customers):
        "Check the lines are records: they grow only and stay"
        pool = Pool()
        Line = pool.get('qms.recall.line')
        LineLot = pool.get('qms.recall.line.lot')
        from trytond.modules.qms_trace.exceptions import RecallError
        # the record can only grow
        for records, values in [
                ([line_a.lots[0]], {'returned_quantity': 4}),
                ([line_a.lots[0]], {'returned_quantity': 2}),
                ([line_a.lots[0]], {'delivered_quantity': 9}),
                ([line_a], {'notified': False}),
                ([line_a], {'deadline': today() + dt.timedelta(days=9)}),
                ([line_a], {'delivered_quantity': 9}),
                ]:
            Model = LineLot if records[0] in line_a.lots else Line
            with self.subTest(values=values), \
                    self.assertRaises(RecallError):
                Model.write(records, values)
        with self.assertRaises(RecallError):
            Line.delete([line_c])
        with self.assertRaises(RecallError):
            LineLot.delete(list(line_c.lots))
        with self.assertRaises(RecallError):
            Line.create([{'recall': recall.id,
                        'customer': customers['B'].id}])
        with self.assertRaises(RecallError):
            Line.copy([line_c])

    def _check_recall_export(self, recall):
        "Check the export of the recall lines"
        pool = Pool()
        Line = pool.get('qms.recall.line')
        content = Line.export_xlsx(recall.lines)
        self.assertEqual(content[:2], b'PK')
        Export = pool.get('qms.recall.export', type='wizard')
        with Transaction().set_context(
                active_model='qms.recall', active_id=recall.id,
                active_ids=[recall.id]):
            session_id, _, _ = Export.create()
            result = Export(session_id).default_result(None)
        self.assertEqual(result['filename'], 'recall-R-1.xlsx')
        self.assertEqual(result['file'][:2], b'PK')

    def _open_recall(self, company, reference='R-1'):
        pool = Pool()
        Recall = pool.get('qms.recall')
        history = create_history(company)
        recall, = Recall.create([{
                    'reference': reference,
                    'level': '2',
                    'reason': "Seal defect",
                    'lots': [('add', [history['lot'].id])],
                    }])
        Recall.open([recall])
        return recall

    @with_transaction()
    def test_recall_cancel_releases_stop(self):
        "Test a recall is cancelled only by releasing its stop, recorded"
        pool = Pool()
        Recall = pool.get('qms.recall')
        from trytond.modules.qms_trace.exceptions import RecallError
        company = create_company()
        with set_company(company):
            recall = self._open_recall(company)

            Recall.cancel([recall])

            self.assertEqual(recall.state, 'cancelled')
            stop, = recall.stops
            self.assertEqual(stop.state, 'released')
            self.assertEqual(stop.released_by.id, Transaction().user)
            self.assertTrue(stop.released_at)
            self.assertIn(recall.rec_name, stop.release_description)

            # whatever path sets the state, not leaving the stop active
            other = self._open_recall(company, reference='R-2')
            stop, = other.stops
            with self.assertRaises(RecallError) as cm:
                Recall.write([other], {'state': 'cancelled'})
            self.assertIn(stop.rec_name, cm.exception.message)

    @with_transaction()
    def test_recall_returned_quantity_malformed(self):
        "Test a malformed returned quantity is refused and cannot lower it"
        pool = Pool()
        LineLot = pool.get('qms.recall.line.lot')
        from trytond.modules.qms_sales.exceptions import FieldValueError
        from trytond.modules.qms_trace.exceptions import RecallError
        company = create_company()
        with set_company(company):
            recall = self._open_recall(company)
            row = recall.lines[0].lots[0]
            LineLot.write([row], {'returned_quantity': 2})
            for value in [[1], float('nan'), float('inf'), '1', {'a': 1}]:
                with self.subTest(value=value), \
                        self.assertRaises(FieldValueError):
                    LineLot.write([row], {'returned_quantity': value})
            for value in [None, 1]:
                with self.subTest(value=value), \
                        self.assertRaises(RecallError):
                    LineLot.write([row], {'returned_quantity': value})
            self.assertEqual(LineLot(row.id).returned_quantity, 2)

    @with_transaction()
    def test_lot_number_kept(self):
        "Test a stopped, recalled or recorded lot keeps its number"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Stop = pool.get('qms.sales.stop')
        from trytond.modules.qms_trace.exceptions import LotNumberError
        company = create_company()
        with set_company(company):
            history = create_history(company)
            product = history['product']
            stopped = create_lot(product, number='L-STOP')
            stop, = Stop.create([{
                        'product': product.id,
                        'lots': [('add', [stopped.id])],
                        'reason': "Suspected defect",
                        }])
            Stop.stop([stop])
            for lot in [history['lot'], stopped]:
                with self.subTest(lot=lot.number), \
                        self.assertRaises(LotNumberError) as cm:
                    Lot.write([lot], {'number': 'RENAMED'})
                self.assertIn(lot.number, cm.exception.message)
            self.assertEqual(Lot(stopped.id).number, 'L-STOP')

            free = create_lot(product, number='L-FREE')
            Lot.write([free], {'number': 'L-FREE-2'})
            Lot.write([stopped], {'number': 'L-STOP'})

    @with_transaction()
    def test_scan_without_shipment(self):
        "Test the scan wizard outside a shipment gives a user error"
        pool = Pool()
        Scan = pool.get('qms.udi.scan', type='wizard')
        from trytond.modules.qms_trace.exceptions import ScanError
        company = create_company()
        with set_company(company):
            for context in [{}, {'active_model': 'stock.shipment.out'}]:
                with self.subTest(context=context), \
                        Transaction().set_context(**context):
                    session_id, _, _ = Scan.create()
                    for state in ['start', 'scan']:
                        with self.assertRaises(ScanError):
                            Scan.execute(session_id, {
                                    'start': {'code': '0104612345678903'},
                                    }, state)

    @with_transaction()
    def test_recall_deadline_configuration(self):
        "Test recall deadlines follow the configuration"
        pool = Pool()
        Configuration = pool.get('qms.configuration')
        Recall = pool.get('qms.recall')
        company = create_company()
        with set_company(company):
            config = Configuration(1)
            self.assertEqual(
                [config.recall_days(l) for l in '123'], [1, 3, 7])
            config.recall_level3_days = 10
            config.save()
            history = create_history(company)
            recall, = Recall.create([{
                        'reference': 'R-3',
                        'level': '3',
                        'reason': "Label error",
                        'lots': [('add', [history['lot'].id])],
                        }])
            Recall.open([recall])
            self.assertEqual(
                {l.deadline for l in recall.lines},
                {today() + dt.timedelta(days=10)})

    @with_transaction()
    def test_recall_needs_lots(self):
        "Test a recall without lots cannot be opened"
        pool = Pool()
        Recall = pool.get('qms.recall')
        from trytond.modules.qms_trace.exceptions import RecallError
        company = create_company()
        with set_company(company):
            recall, = Recall.create([{
                        'reference': 'R-0', 'level': '2', 'reason': "x"}])
            with self.assertRaises(RecallError):
                Recall.open([recall])

    def _stock(self, company, product, lots):
        loc = locations()
        receipt = shipment_in(company, create_party("Supplier"))
        for lot, days in lots:
            lot.expiration_date = today() + dt.timedelta(days=days)
            lot.save()
            move(company, product, lot, loc['supplier'], loc['storage'], 5,
                shipment=receipt)

    def _shipment(self, company, customer, product, quantity):
        pool = Pool()
        Move = pool.get('stock.move')
        ShipmentOut = pool.get('stock.shipment.out')
        shipment = shipment_out(company, customer)
        loc = locations()
        Move.create([{
                    'company': company.id,
                    'product': product.id,
                    'unit': product.default_uom.id,
                    'quantity': quantity,
                    'from_location': loc['output'].id,
                    'to_location': loc['customer'].id,
                    'unit_price': Decimal(10),
                    'currency': company.currency.id,
                    'shipment': str(shipment),
                    }])
        ShipmentOut.wait([shipment])
        return shipment

    @with_transaction()
    def test_fefo_respects_minimum_shelf_life(self):
        "Test FEFO proposes the earliest lot meeting the minimum"
        pool = Pool()
        ShipmentOut = pool.get('stock.shipment.out')
        Template = pool.get('product.template')
        company = create_company()
        with set_company(company):
            product = create_product()
            Template.write([product.template], {'min_shelf_life_days': 180})
            short = create_lot(product, 'SHORT')
            early = create_lot(product, 'EARLY')
            late = create_lot(product, 'LATE')
            self._stock(company, product, [
                    (short, 100), (late, 600), (early, 300)])
            customer = create_party("Hospital")

            shipment = self._shipment(company, customer, product, 7)
            ShipmentOut.assign_try([shipment])
            self.assertEqual(
                sorted((m.lot.number, m.quantity)
                    for m in shipment.inventory_moves),
                [('EARLY', 5), ('LATE', 2)])

            customer.min_shelf_life_days = 400
            customer.save()
            shipment = self._shipment(company, customer, product, 2)
            ShipmentOut.assign_try([shipment])
            self.assertEqual(
                [m.lot.number for m in shipment.inventory_moves], ['LATE'])

    @with_transaction()
    def test_shelf_life_blocks_assignment_and_packing(self):
        "Test a lot below the minimum cannot be assigned nor packed"
        pool = Pool()
        Move = pool.get('stock.move')
        ShipmentOut = pool.get('stock.shipment.out')
        Template = pool.get('product.template')
        from trytond.modules.qms_trace.exceptions import ShelfLifeError
        company = create_company()
        with set_company(company):
            product = create_product()
            Template.write([product.template], {'min_shelf_life_days': 30})
            lot = create_lot(product, 'SOON')
            self._stock(company, product, [(lot, 100)])
            customer = create_party("Hospital")
            customer.min_shelf_life_days = 120
            customer.save()
            shipment = self._shipment(company, customer, product, 1)
            Move.write(list(shipment.inventory_moves), {'lot': lot.id})
            with self.assertRaises(ShelfLifeError) as cm:
                ShipmentOut.assign_try([shipment])
            message = cm.exception.message
            for text in ['SOON', '100', '120', 'Hospital']:
                self.assertIn(text, message)
            with self.assertRaises(ShelfLifeError), \
                    Transaction().set_context(_skip_warnings=True):
                ShipmentOut.pack([shipment])

            customer.min_shelf_life_days = None
            customer.save()
            ShipmentOut.assign_try([shipment])
            with Transaction().set_context(_skip_warnings=True):
                ShipmentOut.pick([shipment])
                ShipmentOut.pack([shipment])

    @with_transaction()
    def test_expired_lot_blocked(self):
        "Test Tryton's block of expired lots also covers the expiry date"
        pool = Pool()
        Move = pool.get('stock.move')
        User = pool.get('res.user')
        from trytond.modules.stock_lot_sled.exceptions import LotExpiredError
        company = create_company()
        with set_company(company):
            product = create_product()
            old = create_lot(product, 'OLD')
            old.expiration_date = today() - dt.timedelta(days=1)
            old.save()
            fresh = create_lot(product, 'NEW')
            loc = locations()
            expired, valid = [
                move(company, product, l, loc['storage'], loc['customer'],
                    1, do=False) for l in [old, fresh]]
            clerk, = User.create([{'login': 'clerk', 'name': "Clerk"}])
            with Transaction().set_user(clerk.id):
                with self.assertRaises(LotExpiredError):
                    Move.check_expiration_dates([expired])
                Move.check_expiration_dates([valid])

                # Tryton's own shelf life date still blocks
                fresh.shelf_life_expiration_date = (
                    today() - dt.timedelta(days=1))
                fresh.save()
                with self.assertRaises(LotExpiredError):
                    Move.check_expiration_dates([Move(valid.id)])
            self.assertEqual(
                fresh.shelf_life_end, today() - dt.timedelta(days=1))

    def _scan(self, shipment, code):
        Scan = Pool().get('qms.udi.scan', type='wizard')
        with Transaction().set_context(
                active_model=shipment.__name__, active_id=shipment.id,
                active_ids=[shipment.id]):
            session_id, _, _ = Scan.create()
            scan = Scan(session_id)
            scan.start.code = code
            scan.start.last = None
            return scan.transition_scan(), scan

    @with_transaction()
    def test_scan_fills_incoming_move(self):
        "Test scanning a UDI at goods-in fills lot, dates and UDI"
        pool = Pool()
        Move = pool.get('stock.move')
        Identifier = pool.get('product.identifier')
        company = create_company()
        with set_company(company):
            product = create_product()
            Identifier.create([{
                        'product': product.id,
                        'type': 'ean',
                        'code': '4612345678903',
                        }])
            supplier = create_party("Supplier")
            shipment = shipment_in(company, supplier)
            loc = locations()
            incoming, = Move.create([{
                        'company': company.id,
                        'product': product.id,
                        'unit': product.default_uom.id,
                        'quantity': 3,
                        'from_location': loc['supplier'].id,
                        'to_location': loc['input'].id,
                        'unit_price': Decimal(10),
                        'currency': company.currency.id,
                        'shipment': str(shipment),
                        }])
            code = (']d2' '0104612345678903' '11250115' '17261100'
                '10LOT-7' + GS + '21SN001')

            state, _ = self._scan(shipment, code)

            self.assertEqual(state, 'start')
            moves = sorted(shipment.incoming_moves, key=lambda m: m.quantity)
            self.assertEqual([m.quantity for m in moves], [1, 2])
            scanned = moves[0]
            self.assertEqual(scanned.lot.number, 'SN001')
            self.assertEqual(
                scanned.lot.expiration_date, dt.date(2026, 11, 30))
            self.assertEqual(
                scanned.lot.production_date, dt.date(2025, 1, 15))
            self.assertEqual(
                scanned.udi, '(01)04612345678903(11)250115(17)261100'
                '(10)LOT-7(21)SN001')
            self.assertIsNone(moves[1].lot)

            from trytond.modules.qms_trace.exceptions import (
                ScanError,
                UDIError,
            )
            with self.assertRaises(ScanError):
                self._scan(shipment, '0104006381333931' '10X')
            with self.assertRaises(UDIError):
                self._scan(shipment, '0104612345678904' '10X')

    @with_transaction()
    def test_scan_fills_outgoing_move(self):
        "Test scanning a lot at goods-out sets it on the inventory move"
        pool = Pool()
        Identifier = pool.get('product.identifier')
        company = create_company()
        with set_company(company):
            product = create_product()
            Identifier.create([{
                        'product': product.id,
                        'type': 'ean',
                        'code': '04612345678903',
                        }])
            lot = create_lot(product, 'LOT-9')
            self._stock(company, product, [(lot, 500)])
            customer = create_party("Hospital")
            shipment = self._shipment(company, customer, product, 2)

            self._scan(shipment, '0104612345678903' '10LOT-9')

            inventory, = shipment.inventory_moves
            self.assertEqual(inventory.lot, lot)
            self.assertEqual(inventory.quantity, 2)
            self.assertEqual(inventory.udi, '(01)04612345678903(10)LOT-9')

    def test_gtin_variants(self):
        "Test the codes a GTIN may be recorded under"
        from trytond.modules.qms_trace.product import gtin_variants
        self.assertEqual(gtin_variants('04612345678903'),
            ['04612345678903', '4612345678903'])
        self.assertEqual(gtin_variants('00036000291452'),
            ['00036000291452', '0036000291452', '036000291452'])
        self.assertEqual(gtin_variants('00000096385074'),
            ['00000096385074', '0000096385074', '000096385074',
                '96385074'])
        # an indicator digit makes another trade item (e.g. a case)
        self.assertEqual(gtin_variants('14612345678900'), ['14612345678900'])

    @with_transaction()
    def test_gtin_identifier(self):
        "Test GTIN identifiers are validated and found by the scan"
        pool = Pool()
        Identifier = pool.get('product.identifier')
        from trytond.modules.product.exceptions import InvalidIdentifierCode
        from trytond.modules.qms_trace.exceptions import ScanError
        company = create_company()
        with set_company(company):
            product = create_product()
            case = create_product("Stent Case")
            with self.assertRaises(InvalidIdentifierCode):
                Identifier.create([{'product': product.id, 'type': 'gtin',
                            'code': '04612345678904'}])
            identifier, = Identifier.create([{'product': case.id,
                        'type': 'gtin', 'code': '1461 2345 6789 00'}])
            self.assertEqual(identifier.code, '14612345678900')
            Identifier.create([
                    {'product': product.id, 'type': 'gtin',
                        'code': '4612345678903'},
                    {'product': product.id, 'type': 'gtin',
                        'code': '96385074'},
                    ])
            loc = locations()
            lot = create_lot(product, 'LOT-1')
            case_lot = create_lot(case, 'LOT-1')
            self._stock(company, product, [(lot, 500)])
            self._stock(company, case, [(case_lot, 500)])
            customer = create_party("Hospital")
            shipment = self._shipment(company, customer, product, 1)
            Move = pool.get('stock.move')
            Move.create([{
                        'company': company.id, 'product': case.id,
                        'unit': case.default_uom.id, 'quantity': 1,
                        'from_location': loc['storage'].id,
                        'to_location': loc['output'].id,
                        'shipment': str(shipment),
                        }])

            # GTIN-14 with a leading zero finds the GTIN-13
            self._scan(shipment, '0104612345678903' '10LOT-1')
            # the case has its own GTIN-14
            self._scan(shipment, '0114612345678900' '10LOT-1')
            self.assertEqual(
                sorted((m.product.name, m.lot.number)
                    for m in shipment.inventory_moves),
                [("Stent", 'LOT-1'), ("Stent Case", 'LOT-1')])
            # GTIN-8 padded to 14 digits
            self.assertEqual(scan_product('00000096385074'), product)
            # an EAN identifier of the same item on another product
            other = create_product("Other")
            Identifier.create([{'product': other.id, 'type': 'ean',
                        'code': '96385074'}])
            with self.assertRaises(ScanError) as cm:
                scan_product('00000096385074')
            self.assertIn('Other', cm.exception.message)

    @with_transaction()
    def test_registers_render(self):
        "Test the registers of complaints, nonconforming devices, recalls"
        pool = Pool()
        Recall = pool.get('qms.recall')
        Complaint = pool.get('sale.complaint')
        ComplaintType = pool.get('sale.complaint.type')
        IrModel = pool.get('ir.model')
        company = create_company()
        with set_company(company):
            history = create_history(company)
            recall, = Recall.create([{
                        'reference': 'R-9', 'level': '2',
                        'reason': "Label error",
                        'lots': [('add', [history['lot'].id])],
                        }])
            Recall.open([recall])
            model, = IrModel.search([('name', '=', 'sale.sale')])
            type_, = ComplaintType.create([{
                        'name': "Sale", 'origin': model.id}])
            complaint, = Complaint.create([{
                        'customer': history['customers']['A'].id,
                        'type': type_.id,
                        'description': "Broken seal",
                        'date': today(),
                        }])
            lot = history['lot']
            for name, records, texts in [
                    ('qms.register.recall', [recall], [
                            "Register of Recalls", 'R-9', "Level II",
                            today().isoformat(), "Label error", "L1",
                            "0 / 2"]),
                    ('qms.register.complaint', [complaint], [
                            "Register of Complaints", today().isoformat(),
                            "Customer A", "Sale", "Broken seal"]),
                    ('qms.register.nonconforming', [], [
                            "Register of Nonconforming Devices",
                            "Sales stops in force", "Label error"]),
                    ('qms.recall.notice', [recall], [
                            "Medical Device Recall Notice", 'R-9',
                            "Level II", "Customer A", "1 Customer A Road",
                            "+8657188880000", "Customer C", "Stent",
                            "ST-10 / 10 mm", "国械注准20163460001", "L1",
                            lot.expiration_date.isoformat(), "Label error",
                            "Stop selling and using", "Seal of the Customer",
                            "Page 1 of 2", "Page 2 of 2"]),
                    ]:
                Report = pool.get(name, type='report')
                ext, content, _, _ = Report.execute(
                    [r.id for r in records], {})
                self.assertEqual(ext, 'pdf')
                text = pdf_text(content, name)
                # cells may wrap or lose the spaces around a slash
                words = ''.join(text.split())
                for value in texts + ["Page 1 of"]:
                    self.assertIn(''.join(value.split()), words, msg=name)
                self.assertNotIn(today().strftime('%m/%d/%Y'), text)

    @with_transaction()
    def test_customer_property_and_verification(self):
        "Test customer property loss needs a report to the customer"
        pool = Pool()
        Property = pool.get('qms.customer.property')
        Verification = pool.get('qms.delivery.verification')
        from trytond.model.exceptions import RequiredValidationError
        company = create_company()
        with set_company(company):
            customer = create_party("Hospital")
            property_, = Property.create([{
                        'customer': customer.id,
                        'kind': 'document',
                        'description': "Patient list",
                        }])
            self.assertEqual(property_.state, 'held')
            property_.state = 'lost'
            with self.assertRaises(RequiredValidationError):
                property_.save()
            property_.report_date = today()
            property_.report = "Lost in transit, customer informed."
            property_.save()

            shipment = shipment_out(company, customer)
            verification, = Verification.create([{
                        'shipment': shipment.id,
                        'method': 'on_site',
                        'result': 'passed',
                        }])
            self.assertEqual(verification.customer, customer)
            self.assertEqual(verification.date, today())
