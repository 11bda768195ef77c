# This file is part of the QMS modules for Tryton.
import datetime

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ConcessionError
from .model import ModelMixin, WorkflowGuardMixin

_states = {'readonly': Eval('state') != 'draft'}


class Concession(
        ModelMixin, WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'qms.concession'
    __string__ = "Concession"
    _rec_name = 'number'
    _workflow_fields = {'approved_by', 'approved_date'}
    _workflow_locked = True

    number = fields.Char("Number", required=True, states=_states)
    shipment = fields.Reference("Shipment", selection=[
            ('stock.shipment.out', "Customer Shipment"),
            ('stock.shipment.in', "Supplier Shipment"),
            ], required=True, states=_states)
    customer = fields.Many2One('party.party', "Customer", required=True,
        states=_states)
    reason = fields.Text("Reason", required=True, states=_states,
        help="The activity that is not complete and why release is "
        "acceptable.")
    customer_approval = fields.Text("Customer Approval", required=True,
        states=_states,
        help="Who approved on the customer's side, when and how.")
    customer_document = fields.Binary("Customer Approval Document",
        filename='customer_document_name', states=_states)
    customer_document_name = fields.Char("Customer Approval Document Name",
        states=_states)
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True)
    approved_date = fields.DateTime("Approved at", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('approved', "Approved"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {
            ('draft', 'approved'),
            ('draft', 'cancelled'),
            ('approved', 'cancelled'),
            }
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') == 'cancelled',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @fields.depends('shipment')
    def on_change_shipment(self):
        if self.shipment and self.shipment.id and self.shipment.id >= 0:
            if self.shipment.__name__ == 'stock.shipment.out':
                self.customer = self.shipment.customer

    @classmethod
    def validate_fields(cls, concessions, field_names):
        super().validate_fields(concessions, field_names)
        if field_names & {'shipment', 'customer'}:
            for concession in concessions:
                concession.check_customer()

    def check_customer(self):
        shipment = self.shipment
        if (shipment and shipment.__name__ == 'stock.shipment.out'
                and shipment.customer != self.customer):
            raise ConcessionError(gettext(
                    'qms_sales.msg_concession_customer',
                    concession=self.rec_name,
                    shipment=shipment.rec_name,
                    customer=shipment.customer.rec_name))

    @classmethod
    def check_modification(
            cls, mode, concessions, values=None, external=False):
        super().check_modification(
            mode, concessions, values=values, external=external)
        if mode == 'delete':
            for concession in concessions:
                if concession.state != 'draft':
                    raise AccessError(gettext(
                            'qms_sales.msg_concession_delete',
                            concession=concession.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, concessions):
        cls.write(concessions, {
                'approved_by': Transaction().user,
                'approved_date': datetime.datetime.now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, concessions):
        pass
