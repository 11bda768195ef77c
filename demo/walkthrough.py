"""Demo data for a first walk through the web client (the browser tests
follow the same steps): a hospital order waiting for its confirmation, a
GS1 barcode (GTIN) on the blood-pressure meter so that its lot can be
scanned on the shipment, a delivered lot of gloves under a draft recall and
a store ticket nobody answered in time."""
import datetime as dt

from proteus import Model
from stdnum import ean

from .tools import get_or_create

SALE = "演示：待确认的医院订单"
SALE_LINES = [('BPM-E10', 2)]
HOSPITAL = "北京协和样例医院"
PHARMACY = "仁和大药房连锁有限公司"
# GTIN-13 of the blood-pressure meter (GS1 China prefix 690-699)
GTIN_PRODUCT = 'BPM-E10'
GTIN = '690123456789' + ean.calc_check_digit('690123456789')
RECALL = 'RC-2026-002'
RECALL_LOT = 'GLOV2401'
RECALL_DELIVERY = 'SO-DEMO-GLOV-1'
TICKET = "顾客来电催修：血压计袖带漏气，至今无人联系。"
TICKET_UNIT = 'S-WY'
TICKET_HOURS_AGO = 30


def load(config):
    today = dt.date.today()
    _gtin()
    _sale()
    _recall(today)
    _ticket()


def _gtin():
    Product = Model.get('product.product')
    product, = Product.find([('code', '=', GTIN_PRODUCT)])
    if not any(i.code == GTIN for i in product.identifiers):
        product.identifiers.new(type='ean', code=GTIN)
        product.save()


def _sale():
    from .sales import _sale, _salesperson
    _sale(_salesperson(), HOSPITAL, SALE, SALE_LINES)


def _recall(today):
    from .trace import _deliver
    Product = Model.get('product.product')
    Party = Model.get('party.party')
    Lot = Model.get('stock.lot')
    Recall = Model.get('qms.recall')
    if Recall.find([('reference', '=', RECALL)]):
        return
    product, = Product.find([('code', '=', 'GLOVE-EX')])
    pharmacy, = Party.find([('name', '=', PHARMACY)])
    lot, = Lot.find([('number', '=', RECALL_LOT), ('product', '=', product)])
    _deliver(RECALL_DELIVERY, product, lot, pharmacy, 50,
        today - dt.timedelta(days=3))
    recall = Recall(reference=RECALL, level='3')
    recall.reason = "生产企业通知：批号 %s 的检查手套抽检破损率偏高。" % (
        RECALL_LOT)
    recall.notice = (
        "致各经营企业：批号 %s 的医用检查手套抽检针孔率超出标准，"
        "请暂停销售并通知已购顾客。" % RECALL_LOT)
    recall.lots.append(lot)
    recall.save()


def _ticket():
    Unit = Model.get('qms.service.unit')
    Party = Model.get('party.party')
    Product = Model.get('product.product')
    unit, = Unit.find([('code', '=', TICKET_UNIT)])
    pharmacy, = Party.find([('name', '=', PHARMACY)])
    product, = Product.find([('code', '=', GTIN_PRODUCT)])
    now = dt.datetime.now().replace(microsecond=0)
    get_or_create('qms.ticket', {'description': TICKET},
        handling_unit=unit, customer=pharmacy, product=product,
        date=now - dt.timedelta(hours=TICKET_HOURS_AGO),
        channel='hotline', type='repair', contact="王先生 139 0000 5678")
