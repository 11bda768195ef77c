"""The demo fills every screen a user opens first, as a real company's data
would: records made from sales, reports with rows, reminders due."""
from rpc import DemoTestCase

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction


class DemoContentTestCase(DemoTestCase):

    @with_transaction()
    def test_sales_records_come_from_sales(self):
        "Each delivery's sales record names its sale, salesperson, shipment"
        Record = Pool().get('qms.sales.record')
        records = Record.search([('quantity', '>', 0)])
        self.assertGreaterEqual(len(records), 4)
        for record in records:
            with self.subTest(record=record.id):
                self.assertTrue(record.sale_reference)
                self.assertTrue(record.salesperson)
                self.assertTrue(record.shipment_reference.startswith('CS'),
                    msg=record.shipment_reference)
                self.assertTrue(record.customer_license)

    @with_transaction()
    def test_screens_have_content(self):
        "The weekly report, reminders and the adverse event are there"
        pool = Pool()
        Weekly = pool.get('qms.service.report.weekly')
        Reminder = pool.get('qms.expiry.reminder')
        Ticket = pool.get('qms.ticket')
        Qualification = pool.get('party.qualification')
        self.assertTrue(Weekly.search([('tickets', '>', 0)]))
        self.assertTrue(Reminder.search([('state', '=', 'expired')]))
        self.assertTrue(Ticket.search([('type', '=', 'adverse_event')]))
        qualifications = Qualification.search([('number', '!=', None)])
        self.assertTrue(qualifications)
        for qualification in qualifications:
            with self.subTest(qualification=qualification.number):
                self.assertTrue(
                    bytes(qualification.document).startswith(b'%PDF'))
