# This file is part of the QMS modules for Tryton.
from collections import Counter
from decimal import Decimal

from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.qms_sales.model import ModelMixin, WorkflowGuardMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .exceptions import LotNumberError, RecordAccessError, RecordMissingError


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


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    udi = fields.Char("UDI", readonly=True,
        help="The Unique Device Identifier scanned for the move.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.lot, Index.Range())),
                # covers the trace: the done moves of a lot are read from the
                # index alone, not from heap pages spread over the table
                Index(t, (t.lot, Index.Range()),
                    include=[t.id, t.product, t.from_location, t.to_location,
                        t.internal_quantity, t.effective_date, t.shipment],
                    where=(t.state == 'done') & (t.lot != Null)),
                })

    @classmethod
    def do(cls, moves):
        pending = [m.id for m in moves if m.state != 'done']
        super().do(moves)
        cls.write_records(cls.browse(pending))

    @classmethod
    def write_records(cls, moves):
        "Write the sales and purchase records of the done moves"
        pool = Pool()
        SalesRecord = pool.get('qms.sales.record')
        PurchaseRecord = pool.get('qms.purchase.record')
        sales, purchases, missing = [], [], []
        for move in moves:
            if move.state != 'done':
                continue
            errors = []
            if move.is_sales_record_move:
                sales.append(move._sales_record_values(errors))
            elif move.is_purchase_record_move:
                purchases.append(move._purchase_record_values(errors))
            missing.extend(errors)
        if missing:
            raise RecordMissingError(gettext(
                    'qms_trace.msg_record_missing',
                    missing='\n'.join(dict.fromkeys(missing))))
        with without_check_access():
            SalesRecord.create(sales)
            PurchaseRecord.create(purchases)

    @property
    def is_sales_record_move(self):
        return 'customer' in {
            self.from_location.type, self.to_location.type}

    @property
    def is_purchase_record_move(self):
        return 'supplier' in {
            self.from_location.type, self.to_location.type}

    def _record_values(self, errors, sign):
        "Return the values common to sales and purchase records"
        Configuration = Pool().get('qms.configuration')
        product = self.product
        template = product.template
        registration = template.registration
        lot = self.lot
        if not registration:
            errors.append(gettext('qms_trace.msg_record_no_registration',
                    product=product.rec_name))
        elif not registration.manufacturer_license:
            errors.append(gettext(
                    'qms_trace.msg_record_no_manufacturer_license',
                    registration=registration.rec_name))
        model = product.device_model or product.code
        if not model:
            errors.append(gettext('qms_trace.msg_record_no_model',
                    product=product.rec_name))
        if not lot:
            errors.append(gettext('qms_trace.msg_record_no_lot',
                    move=self.rec_name, product=product.rec_name))
        expiration_date = lot.expiration_date if lot else None
        shipment = self.shipment
        return {
            'company': self.company.id,
            'move': self.id,
            'date': self.effective_date,
            'product': product.id,
            'product_name': product.name,
            'device_model': model,
            'device_specification': product.device_specification,
            'registration_number': (
                registration.number if registration else None),
            'quantity': sign * self.quantity,
            'unit': self.unit.symbol,
            'unit_price': self.unit_price,
            'lot': lot.id if lot else None,
            'lot_number': lot.number if lot else None,
            'expiration_date': expiration_date,
            'production_date': lot.production_date if lot else None,
            'registrant_name': (
                registration.registrant.rec_name if registration else None),
            'manufacturer_name': (
                registration.manufacturer.rec_name
                if registration else None),
            'manufacturer_license': (
                registration.manufacturer_license if registration else None),
            'udi': self.udi,
            'shipment_reference': shipment.number if shipment else None,
            'implantable': bool(template.implantable),
            'retain_until': Configuration(1).retain_until(
                self.effective_date, expiration_date, template.implantable),
            }

    @classmethod
    def _party_contact(cls, party, address, errors, document):
        "Return address, contact and phone of party or add errors"
        if not address:
            address = party.address_get()
        if not address:
            errors.append(gettext('qms_trace.msg_record_no_address',
                    party=party.rec_name, document=document))
        phone = None
        contact = address.party_name if address else None
        for mechanism in party.contact_mechanisms:
            if mechanism.type in {'phone', 'mobile'}:
                phone = mechanism.value
                contact = contact or mechanism.name
                break
        if not phone:
            errors.append(gettext('qms_trace.msg_record_no_phone',
                    party=party.rec_name))
        return (address.full_address if address else None, contact, phone)

    def _sales_record_values(self, errors):
        pool = Pool()
        SaleLine = pool.get('sale.line')
        delivered = self.to_location.type == 'customer'
        sign = 1 if delivered else -1
        values = self._record_values(errors, sign)
        shipment = self.shipment
        customer = getattr(shipment, 'customer', None)
        sale = None
        if isinstance(self.origin, SaleLine):
            sale = self.origin.sale
            customer = customer or sale.party
        if not customer:
            errors.append(gettext('qms_trace.msg_record_no_customer',
                    move=self.rec_name))
            return values
        address = (getattr(shipment, 'delivery_address', None)
            or getattr(shipment, 'contact_address', None))
        address, contact, phone = self._party_contact(
            customer, address, errors, shipment.rec_name
            if shipment else self.rec_name)
        license = customer.qualification_number(
            self.product.template.device_class, self.effective_date)
        if not license and delivered:
            errors.append(gettext('qms_trace.msg_record_no_license',
                    party=customer.rec_name))
        amount = None
        if self.unit_price is not None:
            amount = self.company.currency.round(
                self.unit_price * Decimal(str(values['quantity'])))
        employee = None
        if sale:
            employee = (
                sale.salesperson or sale.confirmed_by or sale.quoted_by)
        values.update({
                'amount': amount,
                'currency': self.currency.code if self.currency else None,
                'customer': customer.id,
                'customer_name': customer.rec_name,
                'customer_address': address,
                'customer_contact': contact,
                'customer_phone': phone,
                'customer_license': license,
                'sale_reference': sale.number if sale else None,
                'online_order': sale.reference if sale else None,
                'salesperson': employee.rec_name if employee else None,
                })
        return values

    def _purchase_record_values(self, errors):
        pool = Pool()
        PurchaseLine = pool.get('purchase.line')
        received = self.from_location.type == 'supplier'
        values = self._record_values(errors, 1 if received else -1)
        shipment = self.shipment
        supplier = getattr(shipment, 'supplier', None)
        purchase = None
        if isinstance(self.origin, PurchaseLine):
            purchase = self.origin.purchase
            supplier = supplier or purchase.party
        if not supplier:
            errors.append(gettext('qms_trace.msg_record_no_supplier',
                    move=self.rec_name))
            return values
        address = (getattr(shipment, 'contact_address', None)
            or getattr(shipment, 'delivery_address', None))
        address, contact, phone = self._party_contact(
            supplier, address, errors, shipment.rec_name
            if shipment else self.rec_name)
        result, inspector = self._inspection(shipment)
        values.update({
                'supplier': supplier.id,
                'supplier_name': supplier.rec_name,
                'supplier_address': address,
                'supplier_contact': contact,
                'supplier_phone': phone,
                'supplier_license': supplier.qualification_number(
                    self.product.template.device_class, self.effective_date),
                'purchase_reference': purchase.number if purchase else None,
                'inspection_result': result,
                'inspector': inspector,
                })
        return values

    @classmethod
    def _inspection(cls, shipment):
        "Return the result and inspector of the last inspection of shipment"
        pool = Pool()
        Inspection = pool.get('quality.inspection')
        if not shipment:
            return None, None
        inspections = Inspection.search([
                ('origin', '=', str(shipment)),
                ('state', 'in', ['passed', 'failed']),
                ], order=[('processed_at', 'DESC NULLS LAST'), ('id', 'DESC')],
            limit=1)
        if not inspections:
            return None, None
        inspection, = inspections
        states = dict(Inspection.fields_get(['state'])['state']['selection'])
        employee = inspection.processed_by
        return (states[inspection.state],
            employee.rec_name if employee else None)


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # the trace reads the customer of each delivery from the index
        cls._sql_indexes.add(Index(t, (t.id, Index.Range()),
                include=[t.customer, t.delivery_address]))

    def _sync_move_key(self, move):
        # the UDI scanned on the inventory move reaches the outgoing move
        return super()._sync_move_key(move) + (('udi', move.udi),)


class ShipmentOutReturn(WorkflowGuardMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.out.return'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # the trace reads the customer of each return from the index
        cls._sql_indexes.add(Index(t, (t.id, Index.Range()),
                include=[t.customer, t.contact_address]))


class ShipmentIn(metaclass=PoolMeta):
    __name__ = 'stock.shipment.in'

    def _get_inventory_move(self, incoming_move):
        move = super()._get_inventory_move(incoming_move)
        if move and incoming_move.udi:
            move.udi = incoming_move.udi
        return move


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    @classmethod
    def check_modification(cls, mode, lots, values=None, external=False):
        super().check_modification(
            mode, lots, values=values, external=external)
        if mode == 'write' and 'number' in values:
            cls.check_number_kept(
                [l for l in lots if l.number != values['number']])

    @classmethod
    def check_number_kept(cls, lots):
        "Check no stop, recall or record names the lots by their number"
        pool = Pool()
        if not lots:
            return
        kept = set(cls.get_sales_stopped(lots))
        for name in ['qms.sales.stop-stock.lot', 'qms.recall-stock.lot',
                'qms.sales.record', 'qms.purchase.record']:
            Model = pool.get(name)
            kept.update(r.lot for r in Model.search(
                    [('lot', 'in', [l.id for l in lots])]))
        if kept:
            lot = min(kept, key=lambda l: l.id)
            raise LotNumberError(gettext('qms_trace.msg_lot_number_kept',
                    lot=lot.rec_name))
