# This file is part of the QMS modules for Tryton.
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields, tree
from trytond.modules.qms_sales.model import ModelMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ServiceUnitError

KINDS = [
    ('hq', "HQ Service Management"),
    ('region', "Region"),
    ('store', "Store"),
    ]
# the kind a unit's parent must have
PARENT_KINDS = {
    'hq': None,
    'region': 'hq',
    'store': 'region',
    }


class ServiceUnit(ModelMixin, DeactivableMixin, tree(), ModelSQL, ModelView):
    __string__ = "Service Unit"
    __name__ = 'qms.service.unit'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    kind_string = kind.translated('kind')
    parent = fields.Many2One(
        'qms.service.unit', "Parent",
        states={
            'required': Eval('kind') != 'hq',
            'invisible': Eval('kind') == 'hq',
            })
    children = fields.One2Many('qms.service.unit', 'parent', "Children")
    members = fields.Many2Many(
        'qms.service.unit-res.user', 'unit', 'user', "Members")
    compensation_limit = fields.Numeric(
        "Compensation Limit", digits=(16, 2),
        domain=['OR',
            ('compensation_limit', '=', None),
            ('compensation_limit', '>=', 0),
            ],
        help="The advance compensation (先行理赔) the unit may approve "
        "for one claim.\nLeave empty for no limit.")
    currency = fields.Many2One('currency.currency', "Currency", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def default_kind(cls):
        return 'store'

    @classmethod
    def default_currency(cls):
        pool = Pool()
        Company = pool.get('company.company')
        company = Transaction().context.get('company')
        if company is not None and company >= 0:
            return Company(company).currency.id

    def get_rec_name(self, name):
        if self.code:
            return '[%s] %s' % (self.code, self.name)
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', *clause[1:]),
            ('code', *clause[1:]),
            ]

    @classmethod
    def validate_fields(cls, units, field_names):
        super().validate_fields(units, field_names)
        cls.check_parent_kind(units, field_names)

    @classmethod
    def check_parent_kind(cls, units, field_names=None):
        if field_names and not (field_names & {'kind', 'parent'}):
            return
        kinds = dict(cls.fields_get(['kind'])['kind']['selection'])
        for unit in units:
            kind = unit.parent.kind if unit.parent else None
            if kind != PARENT_KINDS[unit.kind]:
                raise ServiceUnitError(gettext(
                        'qms_aftersales.msg_unit_parent_kind',
                        unit=unit.rec_name,
                        kind=unit.kind_string,
                        parent=kinds.get(PARENT_KINDS[unit.kind], '-')))

    @property
    def hq(self):
        "The HQ service management unit on top of the unit"
        unit = self
        while unit.parent:
            unit = unit.parent
        return unit

    @property
    def ancestors(self):
        "The unit and its parents, from the unit up"
        unit = self
        while unit:
            yield unit
            unit = unit.parent


class ServiceUnitUser(ModelMixin, ModelSQL):
    __string__ = "Service Unit - User"
    __name__ = 'qms.service.unit-res.user'

    unit = fields.Many2One(
        'qms.service.unit', "Unit", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        pool = Pool()
        Rule = pool.get('ir.rule')
        User = pool.get('res.user')
        super().on_modification(mode, records, field_names=field_names)
        User._get_qms_units_cache.clear()
        Rule._domain_get_cache.clear()
