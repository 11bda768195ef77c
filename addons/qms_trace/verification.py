# This file is part of the QMS modules for Tryton.
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.qms_sales.model import ModelMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction


class DeliveryVerification(ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.delivery.verification'
    __string__ = "Delivery Verification"

    company = fields.Many2One('company.company', "Company", required=True)
    shipment = fields.Many2One(
        'stock.shipment.out', "Shipment", required=True,
        domain=[('company', '=', Eval('company', -1))])
    customer = fields.Function(
        fields.Many2One(
            'party.party', "Customer",
            context={
                'company': Eval('company', -1),
                },
            depends={'company'}),
        'on_change_with_customer')
    method = fields.Selection([
            ('on_site', "On Site with the Customer"),
            ('documents', "Supplier Material and Type-Test Reports"),
            ], "Method", required=True, sort=False)
    result = fields.Selection([
            ('passed', "Passed"),
            ('failed', "Failed"),
            ], "Result", required=True, sort=False)
    notes = fields.Text("Notes")
    verified_by = fields.Many2One('res.user', "Verified by", required=True)
    date = fields.Date("Date", required=True)
    customer_signatory = fields.Char("Customer Signatory")
    attachment = fields.Binary("Attachment", filename='attachment_name')
    attachment_name = fields.Char("Attachment Name")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_verified_by(cls):
        return Transaction().user

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('shipment')
    def on_change_with_customer(self, name=None):
        return self.shipment.customer if self.shipment else None

    def get_rec_name(self, name):
        return self.shipment.rec_name
