# This file is part of the QMS modules for Tryton.
from decimal import Decimal

from trytond.model import fields
from trytond.modules.company import CompanyReport
from trytond.pool import Pool, PoolMeta

from .report import PDFReportMixin


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    transport_carrier = fields.Char("Carrier",
        help="The carrier and transport mode printed on the delivery note.")
    transport_conditions = fields.Char("Transport Conditions",
        help="E.g. cold chain 2-8 °C, printed on the delivery note.")


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
        date = cls.ship_date(shipment)
        classes = sorted(
            {m.product.template.device_class for m in cls.moves(shipment)},
            key=lambda c: c or '', reverse=True) or [None]
        numbers = [party.qualification_number(c, date) for c in classes]
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
