# This file is part of the QMS modules for Tryton.
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin,
    ModelSQL,
    ModelView,
    Unique,
    fields,
    tree,
)

from .exceptions import CategoryCodeError
from .model import ModelMixin


class Category(ModelMixin, DeactivableMixin, tree(separator=' / '),
        ModelSQL, ModelView):
    __name__ = 'qms.device.category'
    __string__ = "Device Category"
    _rec_name = 'code'

    code = fields.Char("Code", required=True,
        help="The code of the classification catalogue; "
        "a sub-category's code starts with its parent's code (01-01).")
    name = fields.Char("Name", required=True, translate=True)
    parent = fields.Many2One('qms.device.category', "Parent")
    childs = fields.One2Many('qms.device.category', 'parent', "Children")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'qms_sales.msg_device_category_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    def get_rec_name(self, name):
        return f'{self.code} {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('code', operator, value, *clause[3:]),
            ('name', operator, value, *clause[3:]),
            ]

    @property
    def top_code(self):
        "The code of the top-level category as used in registration numbers"
        category = self
        while category.parent:
            category = category.parent
        return category.code

    def covers(self, category):
        "Return True if this category is category or one of its ancestors"
        while category:
            if category == self:
                return True
            category = category.parent
        return False

    @classmethod
    def validate_fields(cls, categories, field_names):
        super().validate_fields(categories, field_names)
        if field_names & {'code', 'parent'}:
            cls.check_code(categories)

    @classmethod
    def check_code(cls, categories):
        for category in {c for p in categories for c in [p, *p.childs]}:
            parent = category.parent
            if parent and (category.code == parent.code
                    or not category.code.startswith(parent.code)):
                raise CategoryCodeError(gettext(
                        'qms_sales.msg_device_category_code_parent',
                        category=category.rec_name,
                        parent=parent.rec_name,
                        code=parent.code))
