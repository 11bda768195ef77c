# This file is part of the QMS modules for Tryton.
import datetime

from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction

_states = {'readonly': Eval('state') != 'draft'}


class Concession(Workflow, ModelSQL, ModelView):
    "Concession"
    __name__ = 'qms.concession'
    _rec_name = 'number'

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
            ], "State", readonly=True, required=True)

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
