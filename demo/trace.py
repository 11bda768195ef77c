"""Demo data of qms_trace: a lot of syringes received from the supplier,
delivered to two customers, partly returned and delivered again, then put
under an open recall; a customer property and a delivery verification."""
import datetime as dt
from decimal import Decimal

from proteus import Model

LOT = 'SYR-2501'
RECALL = 'RC-2026-001'
PRODUCT = 'SYR-5ML'
SUPPLIER = "山东威洁医用高分子制品股份有限公司"
HOSPITAL = "北京协和样例医院"
DISTRIBUTOR = "国药样例医疗器械经销有限公司"


def load(config):
    today = dt.date.today()
    Product = Model.get('product.product')
    Party = Model.get('party.party')
    product, = Product.find([('code', '=', PRODUCT)])
    supplier, = Party.find([('name', '=', SUPPLIER)])
    hospital, = Party.find([('name', '=', HOSPITAL)])
    distributor, = Party.find([('name', '=', DISTRIBUTOR)])
    lot = _history(product, supplier, hospital, distributor, today)
    _recall(lot, today)
    _property(hospital, today)


def _history(product, supplier, hospital, distributor, today):
    Lot = Model.get('stock.lot')
    lots = Lot.find([('number', '=', LOT), ('product', '=', product.id)])
    if lots:
        return lots[0]
    lot = Lot(number=LOT, product=product)
    lot.production_date = today - dt.timedelta(days=40)
    lot.expiration_date = today + dt.timedelta(days=3 * 365)
    lot.save()
    day = dt.timedelta(days=1)
    _receive(product, lot, supplier, 100, today - 30 * day)
    _deliver(product, lot, hospital, 30, today - 25 * day)
    _deliver(product, lot, distributor, 40, today - 20 * day)
    _return(product, lot, distributor, 10, today - 10 * day)
    _deliver(product, lot, hospital, 20, today - 5 * day)
    return lot


def _move(moves, product, lot, quantity, date, from_, to, price=None):
    move = moves.new()
    move.product = product
    move.unit = product.default_uom
    move.quantity = quantity
    move.from_location = from_
    move.to_location = to
    move.lot = lot
    move.planned_date = date
    if price is not None:
        move.unit_price = price
        move.currency = move.company.currency if move.company else None
    return move


def _receive(product, lot, supplier, quantity, date):
    Shipment = Model.get('stock.shipment.in')
    shipment = Shipment(supplier=supplier, planned_date=date,
        effective_date=date, reference='PO-DEMO-2501')
    move = _move(shipment.incoming_moves, product, lot, quantity, date,
        supplier.supplier_location, shipment.warehouse_input,
        Decimal('0.50'))
    move.effective_date = date
    shipment.save()
    shipment.click('receive')
    shipment.click('do')


def _deliver(product, lot, customer, quantity, date):
    Shipment = Model.get('stock.shipment.out')
    shipment = Shipment(customer=customer, planned_date=date,
        effective_date=date, reference='SO-DEMO-%s' % quantity)
    _move(shipment.outgoing_moves, product, None, quantity, date,
        shipment.warehouse_output, customer.customer_location,
        product.list_price)
    shipment.save()
    shipment.click('wait')
    for move in shipment.inventory_moves:
        move.lot = lot
    shipment.save()
    shipment.click('assign_try')
    shipment.click('pick')
    shipment.click('pack')
    shipment.click('do')


def _return(product, lot, customer, quantity, date):
    Shipment = Model.get('stock.shipment.out.return')
    shipment = Shipment(customer=customer, planned_date=date,
        effective_date=date, reference='RMA-DEMO-2501')
    _move(shipment.incoming_moves, product, lot, quantity, date,
        customer.customer_location, shipment.warehouse_input,
        product.list_price)
    shipment.save()
    shipment.click('receive')
    shipment.click('do')


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
    recall.click('open')
    recall.reload()
    if recall.lines:
        line = recall.lines[0]
        line.click('notify')


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
