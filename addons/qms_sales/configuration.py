# This file is part of the QMS modules for Tryton.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

from .model import ModelMixin


class Configuration(ModelMixin, ModelSingleton, ModelSQL, ModelView):
    __name__ = 'qms.configuration'
    __string__ = "QMS Configuration"

    expiry_warning_days = fields.Integer(
        "Expiry Warning Days", required=True,
        domain=[('expiry_warning_days', '>=', 0)],
        help="Qualifications and registrations become 'expiring' "
        "this many days before their expiration date.")
    review_amount = fields.Numeric(
        "Contract Review Amount", digits=(16, 2),
        help="Sales whose untaxed amount is above this value "
        "require a contract review before confirmation.")

    @classmethod
    def default_expiry_warning_days(cls):
        return 90
