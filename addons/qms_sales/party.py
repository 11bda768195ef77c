# This file is part of the QMS modules for Tryton.
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as InvalidNumber

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .checker import CHECK_RESULTS, CLASS_KINDS
from .exceptions import QualificationNumberError
from .model import ModelMixin, RevisionMixin, WorkflowGuardMixin
from .registration import (
    DEVICE_CLASSES,
    VALIDITY_STATES,
    validity_domain,
    validity_state,
)

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
# The licences that name a buyer on a record besides the trade licences of
# CLASS_KINDS: a medical institution's and a manufacturer's
OTHER_LICENCE_KINDS = ['medical', 'production']
# Changing one of these fields voids the verification
VERIFIED_FIELDS = {
    'kind', 'number', 'issue_date', 'expiration_date', 'device_classes',
    'categories', 'revoked'}


def licence_kinds(device_class):
    """Return the kinds of licence that let a buyer hold a device of
    device_class, the best first: the trade licences of its class, then
    those of the higher classes (of every class, the highest first, when
    the class is unknown), then the other licences"""
    if device_class in CLASS_KINDS:
        classes = sorted(c for c in CLASS_KINDS if c >= device_class)
    else:
        classes = sorted(CLASS_KINDS, reverse=True)
    kinds = []
    for class_ in classes:
        for kind in CLASS_KINDS[class_]:
            if kind not in kinds:
                kinds.append(kind)
    return kinds + OTHER_LICENCE_KINDS


class Party(ModelMixin, metaclass=PoolMeta):
    __name__ = 'party.party'

    buyer_type = fields.Selection(BUYER_TYPES, "Buyer Type",
        help="The kind of buyer the regulation knows.", sort=False)
    qualifications = fields.One2Many('party.qualification', 'party',
        "Qualifications")
    qualification_revisions = fields.One2Many(
        'party.qualification.revision', 'party', "Qualification History",
        readonly=True)
    first_sale_checked = fields.Function(fields.Boolean(
            "First Sale Checked",
            help="The party has a verified and valid qualification, "
            "as the buyer file requires before the first sale."),
        'get_first_sale_checked')
    qualification_checks = fields.One2Many('qms.gate.check', 'party',
        "Qualification Checks", readonly=True,
        help="Every check of the party's documents by the qualification "
        "gate, blocked ones included.")
    last_check_date = fields.Function(fields.DateTime("Last Check Date"),
        'get_last_check')
    last_check_user = fields.Function(fields.Many2One(
            'res.user', "Last Check User"), 'get_last_check')
    last_check_result = fields.Function(fields.Selection(
            [(None, "")] + CHECK_RESULTS, "Last Check Result", sort=False),
        'get_last_check')
    last_check_failures = fields.Function(fields.Text(
            "Last Check Failures"), 'get_last_check')

    def get_first_sale_checked(self, name):
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        return any(q.verified_by and q.valid_on(today)
            for q in self.qualifications)

    def qualification_number(self, device_class, date):
        """Return the number of the best licence of the party valid on date
        for a device of device_class (None when unknown), or None"""
        kinds = licence_kinds(device_class)
        qualifications = [q for q in self.qualifications
            if q.kind in kinds and q.valid_on(date)]
        if qualifications:
            best = min(qualifications, key=lambda q: kinds.index(q.kind))
            return best.number

    @classmethod
    def get_last_check(cls, parties, names):
        pool = Pool()
        Check = pool.get('qms.gate.check')
        result = {n: {p.id: None for p in parties} for n in names}
        for party in parties:
            checks = Check.search([('party', '=', party.id)], limit=1)
            if checks:
                check, = checks
                for name in names:
                    value = getattr(check, name[len('last_check_'):])
                    if name == 'last_check_user' and value:
                        value = value.id
                    result[name][party.id] = value
        return result

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('qualification_checks')
        return super().copy(parties, default=default)


class Qualification(
        ModelMixin, WorkflowGuardMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'party.qualification'
    __string__ = "Party Qualification"
    _rec_name = 'number'
    _history = True
    _workflow_fields = {'verified_by', 'verified_date'}

    party = fields.Many2One('party.party', "Party", required=True,
        ondelete='CASCADE')
    kind = fields.Selection(QUALIFICATION_KINDS, "Kind",
        required=True, sort=False)
    kind_string = kind.translated('kind')
    number = fields.Char("Number", required=True,
        help="For a business licence, "
        "the 18-character unified social credit code.")
    issuer = fields.Char("Issuer")
    issue_date = fields.Date("Issue Date")
    expiration_date = fields.Date("Expiration Date",
        domain=[
            If(Eval('issue_date') & Eval('expiration_date'),
                ('expiration_date', '>=', Eval('issue_date')),
                ()),
            ])
    device_classes = fields.MultiSelection(DEVICE_CLASSES, "Device Classes",
        help="Device classes covered by the scope (经营范围).", sort=False)
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
    state = fields.Function(fields.Selection(
            VALIDITY_STATES, "State", sort=False),
        'get_state', searcher='search_state')
    revisions = fields.One2Many(
        'party.qualification.revision', 'qualification', "History",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('expiration_date', 'ASC NULLS LAST'))
        cls._buttons.update({
                'verify': {
                    'invisible': Eval('state').in_(['expired', 'revoked']),
                    'depends': ['state'],
                    },
                })

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

    @classmethod
    def search_state(cls, name, clause):
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('qms.configuration')
        return validity_domain(
            clause, Date.today(), Configuration(1).expiry_warning_days)

    def valid_on(self, date):
        "Tell if the qualification is in force on date"
        return self.in_force(
            date, self.revoked, self.issue_date, self.expiration_date)

    @staticmethod
    def in_force(date, revoked, issue_date, expiration_date):
        """Tell if a qualification of these values is in force on date: not
        revoked, issued and not expired; the rule of valid_on for the
        qualifications read without instantiating them"""
        return (not revoked
            and (not issue_date or issue_date <= date)
            and (not expiration_date or date <= expiration_date))

    @classmethod
    @ModelView.button
    def verify(cls, qualifications):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write(qualifications, {
                'verified_by': Transaction().user,
                'verified_date': Date.today(),
                })

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if (mode == 'write' and VERIFIED_FIELDS & values.keys()
                and 'verified_by' not in values):
            values['verified_by'] = None
            values['verified_date'] = None
        return values

    @classmethod
    def copy(cls, qualifications, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('verified_by')
        default.setdefault('verified_date')
        return super().copy(qualifications, default=default)

    @classmethod
    def validate_fields(cls, qualifications, field_names):
        super().validate_fields(qualifications, field_names)
        if field_names & {'kind', 'number'}:
            cls.check_number(qualifications)

    @classmethod
    def check_number(cls, qualifications):
        for qualification in qualifications:
            if qualification.kind == 'business':
                try:
                    uscc.validate(qualification.number)
                except InvalidNumber as exception:
                    raise QualificationNumberError(gettext(
                            'qms_sales.msg_qualification_number_uscc',
                            number=qualification.number,
                            party=qualification.party.rec_name,
                            reason=str(exception))) from exception


class QualificationCategory(ModelMixin, ModelSQL):
    __name__ = 'party.qualification-qms.device.category'
    __string__ = "Party Qualification - Device Category"

    qualification = fields.Many2One('party.qualification', "Qualification",
        required=True, ondelete='CASCADE')
    category = fields.Many2One('qms.device.category', "Category",
        required=True, ondelete='CASCADE')


class QualificationRevision(RevisionMixin, ModelSQL, ModelView):
    __name__ = 'party.qualification.revision'
    __string__ = "Party Qualification Revision"
    _revision_model = 'party.qualification'
    _revision_field = 'qualification'

    qualification = fields.Many2One('party.qualification', "Qualification")
    party = fields.Many2One('party.party', "Party")
    kind = fields.Selection(QUALIFICATION_KINDS, "Kind", sort=False)
    number = fields.Char("Number")
    issue_date = fields.Date("Issue Date")
    expiration_date = fields.Date("Expiration Date")
    device_classes = fields.MultiSelection(DEVICE_CLASSES,
        "Device Classes", sort=False)
    verified_by = fields.Many2One('res.user', "Verified by")
    verified_date = fields.Date("Verified Date")
    revoked = fields.Boolean("Revoked")
    active = fields.Boolean("Active")
