# This file is part of the QMS modules for Tryton.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta

from .exceptions import ImplantableLotError
from .registration import DEVICE_CLASSES

# Where an implant must carry its serial number (a lot of one unit)
IMPLANT_LOT_REQUIRED = {'supplier', 'storage', 'customer'}


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    device_class = fields.Selection([(None, "")] + DEVICE_CLASSES,
        "Device Class", sort=False)
    registration = fields.Many2One('product.registration', "Registration",
        ondelete='RESTRICT',
        help="The current registration certificate or filing.")
    filing_exempt = fields.Boolean("Filing Exempt",
        help="Class II device that buyers may purchase without "
        "an operating filing.")
    implantable = fields.Boolean("Implantable",
        help="Implantable devices are tracked by serial number: "
        "a lot of one unit, required from the supplier to the customer.")
    udi_di = fields.Function(fields.Char("UDI-DI",
            help="The device identifier of the variants: "
            "their International Article Number (GTIN) identifiers."),
        'get_udi_di')
    min_shelf_life_days = fields.Integer("Minimum Shelf Life Days",
        domain=['OR',
            ('min_shelf_life_days', '=', None),
            ('min_shelf_life_days', '>=', 0),
            ],
        help="Lots with less remaining shelf life cannot be shipped.")

    @fields.depends('implantable', 'lot_required')
    def on_change_implantable(self):
        if self.implantable:
            self.lot_required = sorted(
                set(self.lot_required or []) | IMPLANT_LOT_REQUIRED)

    def get_udi_di(self, name):
        return ', '.join(filter(None, (p.udi_di for p in self.products)))

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        if field_names & {'implantable', 'lot_required'}:
            cls.check_implant_lots(templates)

    @classmethod
    def check_implant_lots(cls, templates):
        for template in templates:
            if template.implantable and not IMPLANT_LOT_REQUIRED <= set(
                    template.lot_required or []):
                raise ImplantableLotError(gettext(
                        'qms_sales.msg_implantable_lot_required',
                        product=template.rec_name))


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    udi_di = fields.Function(fields.Char("UDI-DI",
            help="The device identifier: the International Article Number "
            "(GTIN) among the identifiers."),
        'get_udi_di', searcher='search_udi_di')

    def get_udi_di(self, name):
        for identifier in self.identifiers:
            if identifier.type == 'ean':
                return identifier.code

    @classmethod
    def search_udi_di(cls, name, clause):
        _, operator, value = clause[:3]
        return [('identifiers', 'where', [
                    ('type', '=', 'ean'),
                    ('code', operator, value),
                    ])]

    def is_sales_stopped(self, date=None):
        "Return True if the product is under a sales stop on date"
        return bool(self.get_sales_stopped([self], date=date))

    @classmethod
    def get_sales_stopped(cls, products, date=None):
        """Return the products under a sales stop on date: the checker's hook,
        extended by qms_trace with one query for all the products"""
        return []
