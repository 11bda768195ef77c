# This file is part of the QMS modules for Tryton.
from collections import defaultdict

from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pyson import Eval

from .model import ModelMixin


class RegionAbbreviation(ModelMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'qms.region.abbreviation'
    __string__ = "Region Abbreviation"
    _rec_name = 'code'

    code = fields.Char("Abbreviation", required=True, size=1,
        help="The one character used in registration and filing numbers.")
    name = fields.Char("Name", required=True)
    kind = fields.Selection([
            ('province', "Province"),
            ('city', "City"),
            ], "Kind", required=True, sort=False)
    parent = fields.Many2One('qms.region.abbreviation', "Province",
        domain=[('kind', '=', 'province')],
        states={
            'required': Eval('kind') == 'city',
            'invisible': Eval('kind') != 'city',
            },
        help="The province whose abbreviation precedes the city's "
        "in filing numbers.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_kind_parent_unique', Unique(t, t.code, t.kind, t.parent),
                'qms_sales.msg_region_abbreviation_unique'),
            ]
        cls._order.insert(0, ('kind', 'DESC'))
        cls._order.insert(1, ('code', 'ASC'))

    @classmethod
    def default_kind(cls):
        return 'city'

    def get_rec_name(self, name):
        return f'{self.code} ({self.name})'

    @classmethod
    def get_abbreviations(cls):
        "Return the set of provinces and the cities of each province"
        provinces, cities = set(), defaultdict(set)
        for abbreviation in cls.search([]):
            if abbreviation.kind == 'province':
                provinces.add(abbreviation.code)
            elif abbreviation.parent:
                cities[abbreviation.parent.code].add(abbreviation.code)
        return provinces, cities
