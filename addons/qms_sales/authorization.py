# This file is part of the QMS modules for Tryton.
from trytond.model import ModelSQL, ModelView, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .model import ModelMixin


class Authorization(ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.sales.authorization'
    __string__ = "Sales Authorization"
    _rec_name = 'number'

    number = fields.Char("Number", required=True)
    company = fields.Many2One('company.company', "Company", required=True)
    employee = fields.Many2One('company.employee', "Salesperson",
        required=True,
        domain=[('company', '=', Eval('company', -1))])
    id_number = fields.Char("ID Number", required=True,
        help="The identity card number of the salesperson.")
    parties = fields.Many2Many('qms.sales.authorization-party.party',
        'authorization', 'party', "Customers",
        context={'company': Eval('company', -1)}, depends={'company'})
    territory = fields.Many2Many(
        'qms.sales.authorization-country.subdivision',
        'authorization', 'subdivision', "Territory")
    categories = fields.Many2Many(
        'qms.sales.authorization-qms.device.category',
        'authorization', 'category', "Categories")
    products = fields.Many2Many(
        'qms.sales.authorization-product.template',
        'authorization', 'template', "Products",
        context={'company': Eval('company', -1)}, depends={'company'})
    valid_from = fields.Date("Valid From", required=True)
    valid_to = fields.Date("Valid To", required=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')


class AuthorizationParty(ModelMixin, ModelSQL):
    __name__ = 'qms.sales.authorization-party.party'
    __string__ = "Sales Authorization - Party"
    authorization = fields.Many2One('qms.sales.authorization',
        "Authorization", required=True, ondelete='CASCADE')
    party = fields.Many2One('party.party', "Party", required=True,
        ondelete='CASCADE')


class AuthorizationSubdivision(ModelMixin, ModelSQL):
    __name__ = 'qms.sales.authorization-country.subdivision'
    __string__ = "Sales Authorization - Subdivision"
    authorization = fields.Many2One('qms.sales.authorization',
        "Authorization", required=True, ondelete='CASCADE')
    subdivision = fields.Many2One('country.subdivision', "Subdivision",
        required=True, ondelete='CASCADE')


class AuthorizationCategory(ModelMixin, ModelSQL):
    __name__ = 'qms.sales.authorization-qms.device.category'
    __string__ = "Sales Authorization - Device Category"
    authorization = fields.Many2One('qms.sales.authorization',
        "Authorization", required=True, ondelete='CASCADE')
    category = fields.Many2One('qms.device.category', "Category",
        required=True, ondelete='CASCADE')


class AuthorizationProduct(ModelMixin, ModelSQL):
    __name__ = 'qms.sales.authorization-product.template'
    __string__ = "Sales Authorization - Product"
    authorization = fields.Many2One('qms.sales.authorization',
        "Authorization", required=True, ondelete='CASCADE')
    template = fields.Many2One('product.template', "Product",
        required=True, ondelete='CASCADE')
