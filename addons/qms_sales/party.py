# This file is part of the QMS modules for Tryton.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If

from .registration import DEVICE_CLASSES, VALIDITY_STATES, validity_state

BUYER_TYPES = [
    (None, ""),
    ('manufacturer', "Manufacturer"),
    ('distributor', "Distributor"),
    ('user', "User Institution"),
    ('need', "Reasonable-Need Unit"),
    ]
QUALIFICATION_KINDS = [
    ('business', "Business Licence"),
    ('operating', "Class III Operating Licence"),
    ('filing', "Class II Operating Filing"),
    ('medical', "Medical Institution Licence"),
    ('production', "Production Licence or Filing"),
    ('intended_use', "Statement of Intended Use"),
    ('other', "Other"),
    ]


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    buyer_type = fields.Selection(BUYER_TYPES, "Buyer Type",
        help="The kind of buyer the regulation knows.")
    qualifications = fields.One2Many('party.qualification', 'party',
        "Qualifications")


class Qualification(DeactivableMixin, ModelSQL, ModelView):
    "Party Qualification"
    __name__ = 'party.qualification'
    _rec_name = 'number'

    party = fields.Many2One('party.party', "Party", required=True,
        ondelete='CASCADE')
    kind = fields.Selection(QUALIFICATION_KINDS, "Kind", required=True)
    number = fields.Char("Number", required=True)
    issuer = fields.Char("Issuer")
    issue_date = fields.Date("Issue Date")
    expiration_date = fields.Date("Expiration Date",
        domain=[
            If(Eval('issue_date') & Eval('expiration_date'),
                ('expiration_date', '>=', Eval('issue_date')),
                ()),
            ])
    device_classes = fields.MultiSelection(DEVICE_CLASSES, "Device Classes",
        help="Device classes covered by the scope (经营范围).")
    categories = fields.Many2Many('party.qualification-qms.device.category',
        'qualification', 'category', "Categories",
        help="Categories covered by the scope; "
        "a category covers its sub-categories.")
    warehouse_address = fields.Text("Warehouse Address")
    document = fields.Binary("Sealed Copy", filename='document_name')
    document_name = fields.Char("Sealed Copy Name")
    verified_by = fields.Many2One('res.user', "Verified by", readonly=True)
    verified_date = fields.Date("Verified Date", readonly=True)
    revoked = fields.Boolean("Revoked")
    state = fields.Function(fields.Selection(VALIDITY_STATES, "State"),
        'get_state')

    @classmethod
    def default_revoked(cls):
        return False

    def get_state(self, name):
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('qms.configuration')
        return validity_state(
            Date.today(), self.expiration_date, self.revoked,
            Configuration(1).expiry_warning_days)


class QualificationCategory(ModelSQL):
    "Party Qualification - Device Category"
    __name__ = 'party.qualification-qms.device.category'

    qualification = fields.Many2One('party.qualification', "Qualification",
        required=True, ondelete='CASCADE')
    category = fields.Many2One('qms.device.category', "Category",
        required=True, ondelete='CASCADE')
