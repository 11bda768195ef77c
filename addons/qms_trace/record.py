# This file is part of the QMS modules for Tryton.
from collections import Counter

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pyson import Eval
from trytond.modules.qms_sales.model import ModelMixin

from .exceptions import RecordAccessError


def add_years(date, years):
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def retain_until(date, expiration_date, implantable):
    "Return the date until when a record must be kept, None for ever"
    if implantable:
        return None
    if expiration_date:
        return add_years(expiration_date, 2)
    return add_years(date, 5)


class RecordMixin(ModelMixin, ModelSQL, ModelView):
    "Immutable record of a done move"
    __slots__ = ()

    company = fields.Many2One('company.company', "Company", readonly=True)
    move = fields.Many2One('stock.move', "Move", readonly=True,
        ondelete='RESTRICT')
    date = fields.Date("Date", readonly=True)
    product = fields.Many2One('product.product', "Product", readonly=True,
        ondelete='RESTRICT',
        context={
            'company': Eval('company', -1),
            },
        depends=['company'])
    product_name = fields.Char("Product Name", readonly=True)
    device_model = fields.Char("Model", readonly=True)
    device_specification = fields.Char("Specification", readonly=True)
    registration_number = fields.Char("Registration Number", readonly=True)
    quantity = fields.Float("Quantity", readonly=True,
        help="Negative for a return.")
    unit = fields.Char("Unit", readonly=True)
    lot = fields.Many2One('stock.lot', "Lot", readonly=True,
        ondelete='RESTRICT')
    lot_number = fields.Char("Lot or Serial Number", readonly=True)
    expiration_date = fields.Date("Expiration Date", readonly=True)
    production_date = fields.Date("Production Date", readonly=True)
    registrant_name = fields.Char("Registrant", readonly=True)
    manufacturer_name = fields.Char("Manufacturer", readonly=True)
    manufacturer_license = fields.Char("Manufacturer Licence",
        readonly=True)
    udi = fields.Char("UDI", readonly=True)
    shipment_reference = fields.Char("Shipment", readonly=True)
    implantable = fields.Boolean("Implantable", readonly=True)
    retain_until = fields.Date("Retain Until", readonly=True,
        help="Empty means for ever.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.date, Index.Range())),
                Index(t, (t.lot, Index.Range())),
                Index(t, (t.product, Index.Range())),
                Index(t, (t.move, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if not records:
            return
        if mode == 'create':
            if external or not cls._written_by_moves(records):
                raise RecordAccessError(gettext(
                        'qms_trace.msg_record_create', **cls.__names__()))
        else:
            raise RecordAccessError(gettext(
                    'qms_trace.msg_record_%s' % mode, **cls.__names__()))

    @classmethod
    def _written_by_moves(cls, records):
        "Tell if each record is the only one of its done move"
        moves = [r.move for r in records]
        if not all(m and m.state == 'done' for m in moves):
            return False
        recorded = Counter(r.move for r in cls.search(
                [('move', 'in', [m.id for m in moves])]))
        return all(c == 1 for c in recorded.values())

    def get_rec_name(self, name):
        return f'{self.date} {self.product_name} {self.lot_number}'


class SalesRecord(RecordMixin):
    __name__ = 'qms.sales.record'
    __string__ = "Sales Record"

    unit_price = fields.Numeric("Unit Price", digits=(16, 4), readonly=True)
    amount = fields.Numeric("Amount", digits=(16, 2), readonly=True)
    currency = fields.Char("Currency", readonly=True)
    customer = fields.Many2One('party.party', "Customer", readonly=True,
        ondelete='RESTRICT',
        context={
            'company': Eval('company', -1),
            },
        depends=['company'])
    customer_name = fields.Char("Customer Name", readonly=True)
    customer_address = fields.Text("Customer Address", readonly=True)
    customer_contact = fields.Char("Customer Contact", readonly=True)
    customer_phone = fields.Char("Customer Phone", readonly=True)
    customer_license = fields.Char("Customer Licence", readonly=True)
    sale_reference = fields.Char("Sale", readonly=True)
    online_order = fields.Char("Online Order", readonly=True)
    salesperson = fields.Char("Salesperson", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.customer, Index.Range())))


class PurchaseRecord(RecordMixin):
    __name__ = 'qms.purchase.record'
    __string__ = "Purchase Record"

    unit_price = fields.Numeric("Unit Price", digits=(16, 4), readonly=True)
    supplier = fields.Many2One('party.party', "Supplier", readonly=True,
        ondelete='RESTRICT',
        context={
            'company': Eval('company', -1),
            },
        depends=['company'])
    supplier_name = fields.Char("Supplier Name", readonly=True)
    supplier_address = fields.Text("Supplier Address", readonly=True)
    supplier_contact = fields.Char("Supplier Contact", readonly=True)
    supplier_phone = fields.Char("Supplier Phone", readonly=True)
    supplier_license = fields.Char("Supplier Licence", readonly=True)
    purchase_reference = fields.Char("Purchase", readonly=True)
    inspection_result = fields.Char("Inspection Result", readonly=True)
    inspector = fields.Char("Inspector", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.supplier, Index.Range())))

