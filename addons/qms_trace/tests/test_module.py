# This file is part of the QMS modules for Tryton.
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from .tools import create_history, create_lot, locations, move


class QmsTraceTestCase(CompanyTestMixin, ModuleTestCase):
    "Test QmsTrace module"
    module = 'qms_trace'

    @with_transaction()
    def test_trace_downstream_net_after_return(self):
        "Test downstream closure nets returns and leaves out B"
        pool = Pool()
        Trace = pool.get('qms.trace')
        company = create_company()
        with set_company(company):
            history = create_history(company)
            customers = history['customers']

            rows = Trace.downstream([history['lot']])

            self.assertEqual(
                [(r['customer'], r['quantity']) for r in rows],
                [(customers['A'], 3), (customers['C'], 4)])
            row_c = rows[1]
            self.assertEqual(row_c['lot'], history['lot'])
            self.assertEqual(row_c['product'], history['product'])
            self.assertEqual(row_c['shipments'], [history['shipments']['C']])
            self.assertIn("C Road", row_c['contact'])
            self.assertEqual(row_c['phone'], '+8657188880000')

            rows = Trace.downstream([history['lot']], with_returned=True)
            self.assertEqual(
                [(r['customer'], r['quantity']) for r in rows],
                [(customers['A'], 3), (customers['B'], 0),
                    (customers['C'], 4)])
            self.assertEqual(rows[1]['shipments'], [
                    history['shipments']['B'],
                    history['shipments']['B-return']])

    @with_transaction()
    def test_trace_upstream(self):
        "Test upstream closure reaches the supplier"
        pool = Pool()
        Trace = pool.get('qms.trace')
        company = create_company()
        with set_company(company):
            history = create_history(company)

            row, = Trace.upstream([history['lot']])

            self.assertEqual(row['supplier'], history['supplier'])
            self.assertEqual(row['shipment'], history['receipt'])
            self.assertEqual(row['quantity'], 10)
            registration = history['product'].template.registration
            self.assertEqual(row['registrant'], registration.registrant)
            self.assertEqual(row['manufacturer'], registration.manufacturer)

    @with_transaction()
    def test_trace_follows_lot_links(self):
        "Test closure follows kit links down and up"
        pool = Pool()
        Trace = pool.get('qms.trace')
        Link = pool.get('qms.lot.link')
        company = create_company()
        with set_company(company):
            history = create_history(company)
            loc = locations()
            kit_lot = create_lot(history['product'], number='KIT1')
            other = create_lot(history['product'], number='OTHER')
            Link.create([{
                        'parent_lot': history['lot'].id,
                        'child_lot': kit_lot.id,
                        'kind': 'kit',
                        }, {
                        'parent_lot': kit_lot.id,
                        'child_lot': history['lot'].id,
                        'kind': 'relabel',
                        }])
            move(company, history['product'], kit_lot, loc['stock'],
                loc['customer'], 1)
            move(company, history['product'], other, loc['stock'],
                loc['customer'], 1)

            rows = Trace.downstream([history['lot']])
            self.assertEqual(
                {r['lot'] for r in rows}, {history['lot'], kit_lot})

            rows = Trace.upstream([kit_lot])
            self.assertEqual(
                {r['lot'] for r in rows}, {history['lot']})


del ModuleTestCase
