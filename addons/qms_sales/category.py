# This file is part of the QMS modules for Tryton.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields, tree


class Category(DeactivableMixin, tree(separator=' / '), ModelSQL, ModelView):
    "Medical Device Category"
    __name__ = 'qms.device.category'
    _rec_name = 'code'

    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    parent = fields.Many2One('qms.device.category', "Parent")
    childs = fields.One2Many('qms.device.category', 'parent', "Children")

    @classmethod
    def __setup__(cls):
        super().__setup__()
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

    def covers(self, category):
        "Return True if this category is category or one of its ancestors"
        while category:
            if category == self:
                return True
            category = category.parent
        return False
