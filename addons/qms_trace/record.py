# This file is part of the QMS modules for Tryton.
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.modules.qms_sales.model import ModelMixin

from .exceptions import RecordAccessError

# The context key set by the move hook; RPC strips private (_) keys so that
# no client can create a record.
RECORD_CONTEXT = '_qms_record_hook'


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


def create_records(Model, vlist):
    "Create immutable records from the move hook"
    with without_check_access(), \
            Transaction().set_context(**{RECORD_CONTEXT: True}):
        return Model.create(vlist)


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
    def create(cls, vlist):
        if not Transaction().context.get(RECORD_CONTEXT):
            raise RecordAccessError(gettext('qms_trace.msg_record_create',
                    model=cls.__names__()['model']))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        raise RecordAccessError(gettext('qms_trace.msg_record_write',
                model=cls.__names__()['model']))

    @classmethod
    def delete(cls, records):
        raise RecordAccessError(gettext('qms_trace.msg_record_delete',
                model=cls.__names__()['model']))

    @classmethod
    def copy(cls, records, default=None):
        if not records:
            return super().copy(records, default=default)
        raise RecordAccessError(gettext('qms_trace.msg_record_create',
                model=cls.__names__()['model']))

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

