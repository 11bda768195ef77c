# This file is part of the QMS modules for Tryton.
import datetime as dt
from decimal import Decimal

from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.modules.company import CompanyReport
from trytond.modules.qms_sales.model import WorkflowGuardMixin
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .exceptions import LotNumberError, RecordMissingError, ShelfLifeError
from .record import retain_until
from .report import PDFReportMixin

LICENSE_KINDS = {
    '1': ['business', 'filing', 'operating', 'medical', 'production'],
    '2': ['filing', 'operating', 'medical', 'production'],
    '3': ['operating', 'medical', 'production'],
    None: ['operating', 'filing', 'business', 'medical', 'production'],
    }


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
        expiration_date = getattr(lot, 'expiration_date', None)
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
            'production_date': getattr(lot, 'production_date', None),
            'registrant_name': (
                registration.registrant.rec_name if registration else None),
            'manufacturer_name': (
                registration.manufacturer.rec_name
                if registration else None),
            'manufacturer_license': (
                registration.manufacturer_license if registration else None),
            'udi': self.udi,
            'shipment_reference': (
                getattr(shipment, 'number', None) if shipment else None),
            'implantable': bool(template.implantable),
            'retain_until': retain_until(
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

    @classmethod
    def _party_license(cls, party, device_class, date):
        "Return the number of the valid licence of party for device_class"
        kinds = LICENSE_KINDS.get(device_class, LICENSE_KINDS[None])
        qualifications = [q for q in party.qualifications
            if q.kind in kinds and not q.revoked
            and (not q.expiration_date or q.expiration_date >= date)]
        qualifications.sort(key=lambda q: kinds.index(q.kind))
        if qualifications:
            return qualifications[0].number

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
        license = self._party_license(
            customer, self.product.template.device_class,
            self.effective_date)
        if not license and delivered:
            errors.append(gettext('qms_trace.msg_record_no_license',
                    party=customer.rec_name))
        amount = None
        if self.unit_price is not None:
            amount = self.company.currency.round(
                self.unit_price * Decimal(str(values['quantity'])))
        employee = None
        if sale:
            employee = (getattr(sale, 'salesperson', None)
                or sale.confirmed_by or sale.quoted_by)
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
                'supplier_license': self._party_license(
                    supplier, self.product.template.device_class,
                    self.effective_date),
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

    transport_carrier = fields.Char("Carrier",
        help="The carrier and transport mode printed on the delivery note.")
    transport_conditions = fields.Char("Transport Conditions",
        help="E.g. cold chain 2-8 °C, printed on the delivery note.")

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


class DeliveryNote(PDFReportMixin, CompanyReport):
    "Delivery Note (随货同行单)"
    __name__ = 'stock.shipment.out.qms_delivery_note'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        for name in ['moves', 'ship_date', 'licenses', 'supplier_address',
                'one_line', 'amount', 'transport_conditions', 'shipper',
                'checker']:
            context[name] = getattr(cls, name)
        return context

    @classmethod
    def moves(cls, shipment):
        "Return the moves delivered to the customer"
        return [m for m in shipment.moves
            if m.to_location.type == 'customer' and m.state != 'cancelled']

    @classmethod
    def ship_date(cls, shipment):
        Date = Pool().get('ir.date')
        return (shipment.effective_date or shipment.planned_date
            or Date.today())

    @classmethod
    def licenses(cls, party, shipment):
        """Return the numbers of the valid licences of party for the device
        classes of the shipment"""
        Move = Pool().get('stock.move')
        date = cls.ship_date(shipment)
        classes = sorted(
            {m.product.template.device_class for m in cls.moves(shipment)},
            key=lambda c: c or '', reverse=True) or [None]
        numbers = [Move._party_license(party, c, date) for c in classes]
        return ', '.join(dict.fromkeys(n for n in numbers if n))

    @classmethod
    def supplier_address(cls, shipment):
        "Return the address the goods leave from"
        address = (shipment.warehouse.address
            or shipment.company.party.address_get())
        return cls.one_line(address.full_address) if address else ''

    @staticmethod
    def one_line(text):
        return ' '.join((text or '').split())

    @classmethod
    def amount(cls, move):
        if move.unit_price is None:
            return Decimal(0)
        return move.company.currency.round(
            move.unit_price * Decimal(str(move.quantity)))

    @classmethod
    def transport_conditions(cls, moves):
        "Return the distinct transport conditions of the products of moves"
        return list(dict.fromkeys(
                m.product.template.transport_conditions for m in moves
                if m.product.template.transport_conditions))

    @classmethod
    def shipper(cls, shipment):
        employee = shipment.shipped_by or shipment.done_by
        return employee.rec_name if employee else ''

    @classmethod
    def checker(cls, shipment):
        "Return who checked the goods against the order when packing"
        return shipment.packed_by.rec_name if shipment.packed_by else ''


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

    @classmethod
    def get_sales_stopped(cls, lots, date=None):
        "Return the lots a sales stop covers on date, in one search"
        Stop = Pool().get('qms.sales.stop')
        stops = Stop.search(Stop.stopping_domain(date) + [
                ('product', 'in', list({l.product.id for l in lots})),
                ])
        stopped = {l for l in lots
            if any(s.product == l.product and s.covers(l) for s in stops)}
        others = [l for l in lots if l not in stopped]
        stopped.update(super().get_sales_stopped(others, date=date))
        return [l for l in lots if l in stopped]

    @property
    def shelf_life_end(self):
        "The date after which the lot may no longer be sold or used"
        dates = [d for d in [
                self.expiration_date, self.shelf_life_expiration_date] if d]
        return min(dates) if dates else None


class ShelfLifeMove(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @property
    def shelf_life_customer(self):
        if (self.shipment
                and self.shipment.__name__ == 'stock.shipment.out'):
            return self.shipment.customer

    def get_min_shelf_life(self):
        """Return the minimum remaining shelf life in days required for the
        move and the translated text of where it comes from"""
        template = self.product.template
        customer = self.shelf_life_customer
        required, source = None, None
        if template.min_shelf_life_days is not None:
            required = template.min_shelf_life_days
            source = gettext('qms_trace.msg_shelf_life_source_product',
                product=self.product.rec_name)
        if (customer and customer.min_shelf_life_days is not None
                and (required is None
                    or customer.min_shelf_life_days > required)):
            required = customer.min_shelf_life_days
            source = gettext('qms_trace.msg_shelf_life_source_customer',
                customer=customer.rec_name)
        return required, source

    def shelf_life_remaining(self, lot=None, date=None):
        "Return the days of shelf life left to the lot on date"
        Date = Pool().get('ir.date')
        lot = lot or self.lot
        if not lot or not lot.shelf_life_end:
            return None
        date = date or self.effective_date or Date.today()
        return (lot.shelf_life_end - date).days

    def shelf_life_satisfied(self, lot=None):
        required, _ = self.get_min_shelf_life()
        remaining = self.shelf_life_remaining(lot)
        return required is None or remaining is None or remaining >= required

    @classmethod
    def check_shelf_life(cls, moves):
        for move in moves:
            customer = move.shelf_life_customer
            if not move.lot or not customer or move.shelf_life_satisfied():
                continue
            required, source = move.get_min_shelf_life()
            raise ShelfLifeError(gettext(
                    'qms_trace.msg_shelf_life_too_short',
                    lot=move.lot.rec_name,
                    product=move.product.rec_name,
                    remaining=move.shelf_life_remaining(),
                    required=required,
                    source=source,
                    shipment=move.shipment.rec_name,
                    customer=customer.rec_name))

    @classmethod
    def assign(cls, moves):
        cls.check_shelf_life(moves)
        super().assign(moves)

    @property
    def to_check_expiration(self):
        # Tryton blocks lots past their shelf life date; a device must not
        # leave past its expiry date (有效期) either
        return super().to_check_expiration or bool(
            self.lot and self.lot.expiration_date and self.effective_date
            and self.effective_date > self.lot.expiration_date)

    @property
    def fefo(self):
        "Tell if lots must be proposed first expired, first out"
        return (not self.lot
            and self.shelf_life_customer is not None
            and self.from_location.type == 'storage')

    @classmethod
    def assign_try(
            cls, moves, with_childs=True, grouping=('product',), pblc=None):
        if 'lot' in grouping or pblc is not None:
            return super().assign_try(
                moves, with_childs=with_childs, grouping=grouping, pblc=pblc)
        fefo = [m for m in moves if m.fefo]
        others = [m for m in moves if not m.fefo]
        success = super().assign_try(
            fefo, with_childs=with_childs, grouping=grouping + ('lot',))
        success &= super().assign_try(
            others, with_childs=with_childs, grouping=grouping)
        return success

    def sort_quantities(self, quantities, locations, grouping):
        pool = Pool()
        Lot = pool.get('stock.lot')
        quantities = super().sort_quantities(quantities, locations, grouping)
        if 'lot' not in grouping or not self.fefo:
            return quantities
        index = grouping.index('lot') + 1
        lots = {l.id: l for l in Lot.browse(
                {k[index] for k, _ in quantities if k[index] is not None})}
        date = self.planned_date or Pool().get('ir.date').today()
        stopped = set(Lot.get_sales_stopped(list(lots.values()), date))

        def usable(item):
            lot = lots.get(item[0][index])
            return lot is None or (
                lot not in stopped and self.shelf_life_satisfied(lot))

        def expiry(item):
            lot = lots.get(item[0][index])
            return (lot is None, lot and lot.shelf_life_end or dt.date.max)
        return sorted(filter(usable, quantities), key=expiry)


class ShelfLifeShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    @classmethod
    def pack(cls, shipments):
        Move = Pool().get('stock.move')
        Move.check_shelf_life(
            [m for s in shipments
                for m in s.inventory_moves + s.outgoing_moves
                if m.state not in {'cancelled', 'done'}])
        super().pack(shipments)

    @classmethod
    def do(cls, shipments):
        Move = Pool().get('stock.move')
        Move.check_shelf_life(
            [m for s in shipments for m in s.outgoing_moves
                if m.state != 'cancelled'])
        super().do(shipments)
