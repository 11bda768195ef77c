# This file is part of the QMS modules for Tryton.
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.qms_sales.model import ModelMixin
from trytond.pool import Pool
from trytond.pyson import Eval, In
from trytond.transaction import Transaction


class CustomerProperty(ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.customer.property'
    __string__ = "Customer Property"

    company = fields.Many2One('company.company', "Company", required=True)
    customer = fields.Many2One(
        'party.party', "Customer", required=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    kind = fields.Selection([
            ('item', "Item"),
            ('personal_data', "Personal Data"),
            ('document', "Document"),
            ('intellectual', "Intellectual Property"),
            ], "Kind", required=True, sort=False)
    description = fields.Text("Description", required=True)
    received_date = fields.Date("Received on", required=True)
    location = fields.Char("Location",
        help="Where the property is kept.")
    responsible = fields.Many2One('res.user', "Responsible")
    state = fields.Selection([
            ('held', "Held"),
            ('returned', "Returned"),
            ('lost', "Lost"),
            ('damaged', "Damaged"),
            ], "State", required=True, sort=False)
    returned_date = fields.Date("Returned on",
        states={
            'invisible': Eval('state') != 'returned',
            'required': Eval('state') == 'returned',
            })
    report_date = fields.Date("Reported to Customer on",
        states={
            'invisible': ~In(Eval('state'), ['lost', 'damaged']),
            'required': In(Eval('state'), ['lost', 'damaged']),
            },
        help="When the customer was told of the loss or damage.")
    report = fields.Text("Report to Customer",
        states={
            'invisible': ~In(Eval('state'), ['lost', 'damaged']),
            'required': In(Eval('state'), ['lost', 'damaged']),
            })
    attachment = fields.Binary("Attachment", filename='attachment_name')
    attachment_name = fields.Char("Attachment Name")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('received_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'held'

    @classmethod
    def default_received_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return '%s: %s' % (
            self.customer.rec_name, (self.description or '').split('\n')[0])
