# This file is part of the QMS modules for Tryton.
from trytond.model import fields
from trytond.pool import PoolMeta

from .registration import DEVICE_CLASSES


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    device_class = fields.Selection([(None, "")] + DEVICE_CLASSES,
        "Device Class")
    registration = fields.Many2One('product.registration', "Registration",
        help="The current registration certificate or filing.")
    filing_exempt = fields.Boolean("Filing Exempt",
        help="Class II device that buyers may purchase without "
        "an operating filing.")
    implantable = fields.Boolean("Implantable",
        help="Implantable devices are tracked by serial number.")
    min_shelf_life_days = fields.Integer("Minimum Shelf Life Days",
        domain=['OR',
            ('min_shelf_life_days', '=', None),
            ('min_shelf_life_days', '>=', 0),
            ],
        help="Lots with less remaining shelf life cannot be shipped.")


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    def is_sales_stopped(self, date=None):
        "Return True if the product is under a sales stop (see qms_trace)"
        return False
