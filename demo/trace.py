"""Demo data of qms_trace: a lot of syringes received from the supplier,
delivered to two customers, partly returned and delivered again, then put
under an open recall; a customer property and a delivery verification."""
import datetime as dt
from decimal import Decimal

from proteus import Model
from proteus.config import get_config

from trytond.exceptions import UserWarning

LOT = 'SYR-2501'
RECALL = 'RC-2026-001'
PRODUCT = 'SYR-5ML'
PRICE = Decimal('0.80')
SUPPLIER = "山东威洁医用高分子制品股份有限公司"
HOSPITAL = "北京协和样例医院"
DISTRIBUTOR = "国药样例医疗器械经销有限公司"
# who ships and who checks the goods against the order (出库复核)
SHIPPER = "仓管员 刘洋"
CHECKER = "质量负责人 王芳"
CARRIER = "自有车辆配送（京A·12345）"


def load(config):
    today = dt.date.today()
    Product = Model.get('product.product')
    Party = Model.get('party.party')
    product, = Product.find([('code', '=', PRODUCT)])
    supplier, = Party.find([('name', '=', SUPPLIER)])
    hospital, = Party.find([('name', '=', HOSPITAL)])
    distributor, = Party.find([('name', '=', DISTRIBUTOR)])
    for party, phone in [
            (supplier, '0631-5620001'),
            (hospital, '010-69156114'),
            (distributor, '021-63520000')]:
        _phone(party, phone)
    lot = _history(product, supplier, hospital, distributor, today)
    _recall(lot, today)
    _property(hospital, today)


def _phone(party, number):
    "Give the party the phone the GSP records print, if it has none"
    if not any(m.type in {'phone', 'mobile'}
            for m in party.contact_mechanisms):
        party.contact_mechanisms.new(
            type='phone', value=number, name="质量部 联系人")
        party.save()


def _history(product, supplier, hospital, distributor, today):
    Lot = Model.get('stock.lot')
    lots = Lot.find([('number', '=', LOT), ('product', '=', product.id)])
    if lots:
        lot, = lots
    else:
        lot = Lot(number=LOT, product=product)
        lot.production_date = today - dt.timedelta(days=40)
        lot.expiration_date = today + dt.timedelta(days=3 * 365)
        lot.save()
    day = dt.timedelta(days=1)
    _receive('PO-DEMO-2501', product, lot, supplier, 100, today - 30 * day)
    _deliver('SO-DEMO-2501-1', product, lot, hospital, 30, today - 25 * day)
    _deliver(
        'SO-DEMO-2501-2', product, lot, distributor, 40, today - 20 * day)
    _return('RMA-DEMO-2501', product, lot, distributor, 10, today - 10 * day)
    _deliver('SO-DEMO-2501-3', product, lot, hospital, 20, today - 5 * day)
    return lot


def _click(record, button):
    "Click the button, accepting the warnings as a user would"
    Warning_ = Model.get('res.user.warning')
    for _ in range(10):
        try:
            return record.click(button)
        except UserWarning as warning:
            Warning_(user=get_config().user, name=warning.name).save()
    return record.click(button)


def _shipment(model, reference, **values):
    "Return the shipment with reference, new if there is none"
    Shipment = Model.get(model)
    shipments = Shipment.find([('reference', '=', reference)])
    if shipments:
        return shipments[0]
    return Shipment(reference=reference, **values)


def _move(shipment, moves, product, lot, quantity, date, from_, to, price):
    move = moves.new()
    move.product = product
    move.unit = product.default_uom
    move.quantity = quantity
    move.from_location = from_
    move.to_location = to
    move.lot = lot
    move.planned_date = date
    move.unit_price = price
    move.currency = shipment.company.currency
    return move


def _receive(reference, product, lot, supplier, quantity, date):
    shipment = _shipment('stock.shipment.in', reference,
        supplier=supplier, planned_date=date, effective_date=date)
    if shipment.id is None or shipment.id < 0:
        _move(shipment, shipment.incoming_moves, product, lot, quantity,
            date, supplier.supplier_location, shipment.warehouse_input,
            Decimal('0.50'))
        shipment.save()
    if shipment.state == 'draft':
        _click(shipment, 'receive')
    if shipment.state == 'received':
        _click(shipment, 'do')


def _deliver(reference, product, lot, customer, quantity, date):
    """Sell quantity of product to customer and ship it from lot, as a
    salesperson and the warehouse do: the sale makes the shipment"""
    from .sales import _salesperson
    Employee = Model.get('company.employee')
    Sale = Model.get('sale.sale')
    shipper, = Employee.find([('party.name', '=', SHIPPER)])
    checker, = Employee.find([('party.name', '=', CHECKER)])
    sales = Sale.find([('reference', '=', reference)])
    if sales:
        sale, = sales
    else:
        sale = Sale(party=customer, salesperson=_salesperson(),
            reference=reference, sale_date=date)
        line = sale.lines.new(product=product)
        line.quantity = quantity
        line.unit_price = PRICE
        sale.save()
    if sale.state == 'draft':
        _click(sale, 'quote')
    if sale.state == 'quotation':
        _click(sale, 'confirm')
    sale.reload()
    if not sale.shipments:
        # where trytond-worker processes confirmed sales (PostgreSQL set-up),
        # process it now as the worker would
        _click(sale, 'process')
        sale.reload()
    shipment, = sale.shipments
    if shipment.state in {'draft', 'waiting'}:
        shipment.reference = reference
        shipment.planned_date = shipment.effective_date = date
        shipment.transport_carrier = CARRIER
        shipment.shipped_by, shipment.packed_by = shipper, checker
        for move in shipment.inventory_moves:
            move.lot = lot
        shipment.save()
    if shipment.state == 'draft':
        _click(shipment, 'wait')
    if shipment.state == 'waiting':
        _click(shipment, 'assign_try')
    if shipment.state == 'assigned':
        _click(shipment, 'pick')
    if shipment.state == 'picked':
        _click(shipment, 'pack')
    if shipment.state == 'packed':
        _click(shipment, 'do')


def _return(reference, product, lot, customer, quantity, date):
    shipment = _shipment('stock.shipment.out.return', reference,
        customer=customer, planned_date=date, effective_date=date)
    if shipment.id is None or shipment.id < 0:
        _move(shipment, shipment.incoming_moves, product, lot, quantity,
            date, customer.customer_location, shipment.warehouse_input,
            PRICE)
        shipment.save()
    if shipment.state == 'draft':
        _click(shipment, 'receive')
    if shipment.state == 'received':
        _click(shipment, 'do')


def _recall(lot, today):
    Recall = Model.get('qms.recall')
    if Recall.find([('reference', '=', RECALL)]):
        return
    recall = Recall(reference=RECALL, level='2')
    recall.reason = (
        "生产企业通知：批号 %s 部分产品包装密封不良，可能影响无菌。" % LOT)
    recall.notice = (
        "致各经营企业及使用单位：经自查发现批号 %s 的一次性使用无菌注射器"
        "存在包装密封不良风险，请立即停止销售和使用，并退回剩余产品。" % LOT)
    recall.lots.append(lot)
    recall.save()
    _click(recall, 'open')
    recall.reload()
    if recall.lines:
        line = recall.lines[0]
        _click(line, 'notify')


def _property(hospital, today):
    Property = Model.get('qms.customer.property')
    if not Property.find([('customer', '=', hospital.id)]):
        Property(customer=hospital, kind='item',
            description="送修监护仪的原装电源适配器一只",
            received_date=today - dt.timedelta(days=3),
            location="售后仓 A-01").save()
    Verification = Model.get('qms.delivery.verification')
    Shipment = Model.get('stock.shipment.out')
    shipments = Shipment.find(
        [('customer', '=', hospital.id), ('state', '=', 'done')], limit=1)
    if shipments and not Verification.find(
            [('shipment', '=', shipments[0].id)]):
        Verification(shipment=shipments[0], method='on_site',
            result='passed', customer_signatory="设备科 孙主任",
            notes="与医院设备科共同开箱核对数量、批号、效期，外观完好。"
            ).save()
