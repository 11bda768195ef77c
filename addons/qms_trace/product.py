# This file is part of the QMS modules for Tryton.
import stdnum.ean
import stdnum.exceptions

from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.product.exceptions import InvalidIdentifierCode
from trytond.pool import Pool, PoolMeta


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    storage_conditions = fields.Char("Storage Conditions",
        help="Printed on the delivery note, e.g. 2-8 °C, keep dry.")
    transport_conditions = fields.Char("Transport Conditions",
        help="Printed on the delivery note, e.g. cold chain 2-8 °C.")


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    device_model = fields.Char("Device Model",
        help="The model (型号) of the device as registered.")
    device_specification = fields.Char("Device Specification",
        help="The specification (规格) of the device as registered.")

    @classmethod
    def get_sales_stopped(cls, products, date=None):
        "Return the products a sales stop covers whole on date"
        Stop = Pool().get('qms.sales.stop')
        stopped = {s.product for s in Stop.search(
                Stop.stopping_domain(date)
                + [('product', 'in', [p.id for p in products])])
            if s.covers()}
        others = [p for p in products if p not in stopped]
        stopped.update(super().get_sales_stopped(others, date=date))
        return [p for p in products if p in stopped]


def gtin_variants(gtin):
    """Return the codes under which a GTIN may be recorded: the GTIN-14 and,
    when it starts with zeros, the GTIN-13, -12 and -8 it pads"""
    gtin = gtin.zfill(14)
    return [gtin[-n:] for n in (14, 13, 12, 8)
        if not gtin[:-n].strip('0')]


class ProductIdentifier(metaclass=PoolMeta):
    __name__ = 'product.identifier'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = ('gtin', "Global Trade Item Number")
        if selection not in cls.type.selection:
            cls.type.selection.append(selection)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('type') == 'gtin' and values.get('code'):
            values['code'] = stdnum.ean.compact(values['code'])
        return values

    @fields.depends('type', 'code')
    def on_change_with_code(self):
        if self.type == 'gtin' and self.code:
            try:
                return stdnum.ean.compact(self.code)
            except stdnum.exceptions.ValidationError:
                return self.code
        return super().on_change_with_code()

    @fields.depends('type', 'code', 'product')
    def check_code(self):
        if self.type == 'gtin':
            # GTIN-8, -12, -13 and -14 share the EAN check digit
            if not stdnum.ean.is_valid(self.code or ''):
                product = (self.product.rec_name
                    if self.product and self.product.id > 0 else '')
                raise InvalidIdentifierCode(gettext(
                        'product.msg_invalid_code',
                        type=self.type_string,
                        code=self.code,
                        product=product))
        else:
            super().check_code()

    @classmethod
    def gtin_domain(cls, gtin):
        "Return the domain of the identifiers that match the GTIN"
        return [
            ('type', 'in', ['gtin', 'ean']),
            ('code', 'in', gtin_variants(gtin)),
            ]
