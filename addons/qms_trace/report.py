# This file is part of the QMS modules for Tryton.
from trytond.modules.company import CompanyReport
from trytond.pool import Pool


class DeliveryNote(CompanyReport):
    "Delivery Note (随货同行单)"
    __name__ = 'stock.shipment.out.qms_delivery_note'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Date = pool.get('ir.date')
        context = super().get_context(records, header, data)
        context['today'] = Date.today()
        context['moves'] = cls.moves
        return context

    @classmethod
    def moves(cls, shipment):
        "Return the moves delivered to the customer"
        return [m for m in shipment.moves
            if m.to_location.type == 'customer' and m.state != 'cancelled']
