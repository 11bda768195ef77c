"""The users' story in the web client, step by step with a screenshot each:
a zh_CN salesperson is stopped by the qualification gate, then confirms a
good order; the warehouse scans the UDI on its shipment and ships it;
quality opens a recall and downloads its lines; a store sees its overdue
ticket escalate to the region.

The tests run in this order on one demo database (bin/run's, with the
walk-through data of demo/walkthrough.py); the administrator's RPC session
only looks records up and checks what the users did, except for running
the escalation cron, as trytond-cron would."""
import datetime as dt
import io
import re

import openpyxl
import pytest

from demo import walkthrough

from .conftest import StepFailed

pytestmark = pytest.mark.browser

BLOCKED_CUSTOMER = "过期许可医疗器械有限公司"
LOT = 'BPM-2401'


def test_sales_user_sees_q01(client, admin):
    "A zh_CN salesperson cannot quote to a customer whose licence expired"
    client.login('sales')
    client.open_menu('销售', '销售订单')
    client.shot('sales')
    client.open_record(BLOCKED_CUSTOMER)
    client.shot('blocked-sale')

    client.click_button('报价')
    text = client.message()
    client.shot('q01-message')
    assert '[Q01]' in text, text
    assert BLOCKED_CUSTOMER in text and '请录入换发后的许可证' in text, text
    client.close_message()
    client.reload()
    client.shot('still-draft')
    sale, = admin.find('sale.sale',
        [('party.name', '=', BLOCKED_CUSTOMER)], ['state'])
    assert sale['state'] == 'draft'


def test_sales_user_confirms_good_sale(client, admin):
    "The salesperson quotes and confirms the hospital's order"
    client.login('sales')
    client.open_menu('销售', '销售订单')
    client.open_record(walkthrough.HOSPITAL)
    assert client.field('description') == walkthrough.SALE
    client.shot('good-sale')
    client.click_button('报价')
    client.shot('quoted')
    client.click_button('确认')
    client.shot('confirmed')

    sale, = admin.find('sale.sale',
        [('description', '=', walkthrough.SALE)], ['state', 'shipments'])
    assert sale['state'] in {'confirmed', 'processing'}, sale
    assert len(sale['shipments']) == 1, sale


def _udi(admin):
    "The GS1 DataMatrix of the meter's box, as the scanner sends it"
    lot, = admin.find('stock.lot', [('number', '=', LOT)],
        ['expiration_date'])
    expiry = lot['expiration_date']
    expiry = dt.date(expiry['year'], expiry['month'], expiry['day'])
    return (']d2' + '01' + '0' + walkthrough.GTIN
        + '17' + expiry.strftime('%y%m%d') + '10' + LOT)


def test_warehouse_scans_udi_and_ships(client, admin):
    "The warehouse scans the UDI on the order's shipment and ships it"
    sales = admin.find('sale.sale',
        [('description', '=', walkthrough.SALE)], ['shipments'])
    if not sales or not sales[0]['shipments']:
        raise StepFailed("the hospital's order has no shipment: "
            "test_sales_user_confirms_good_sale did not confirm it")
    shipment, = admin('stock.shipment.out', 'read',
        sales[0]['shipments'], ['number'])
    udi = _udi(admin)

    client.login('warehouse')
    client.open_menu('库存 ＆ 盘点', '收发货', '向客户发货')
    client.filter_tab('正在等待')
    client.shot('shipments')
    client.open_record(shipment['number'], exact=True)
    client.shot('shipment')

    client.run_action('扫描UDI')
    wizard = client.dialog
    wizard.locator('[name="code"]').fill(udi)
    client.shot('scan')
    wizard.get_by_role('button', name='扫描', exact=True).click()
    client.settle()
    last = client.field('last', wizard)
    client.shot('scanned')
    assert LOT in last, last
    wizard.get_by_role('button', name='关闭', exact=True).click()
    wizard.wait_for(state='hidden')
    client.settle()
    moves = client.tab.locator('.form table.tree').first.inner_text()
    assert LOT in moves, moves
    client.shot('lot-filled')

    for label in ['选货', '拣货', '包装']:
        client.click_button(label)
        client.shot(label)
    client.click_button('完成', confirm=True)
    client.shot('done')

    shipment, = admin('stock.shipment.out', 'read', [shipment['id']],
        ['state', 'outgoing_moves'])
    assert shipment['state'] == 'done', shipment
    records = admin.find('qms.sales.record',
        [('move', 'in', shipment['outgoing_moves'])],
        ['lot_number', 'quantity', 'udi', 'customer_name'])
    assert [(r['lot_number'], r['quantity'], r['customer_name'])
        for r in records] == [(LOT, 2, walkthrough.HOSPITAL)], records
    assert walkthrough.GTIN in (records[0]['udi'] or ''), records


def _xlsx_sheets(data):
    "The sheets of an xlsx file, as lists of rows of strings"
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [[['' if v is None else str(v) for v in row]
            for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets]


def test_quality_opens_recall_and_downloads_xlsx(client, admin):
    "Quality opens the draft recall and downloads its lines as xlsx"
    client.login('quality')
    client.open_menu('质量管理', '追溯', '召回')
    client.shot('recalls')
    client.open_record(walkthrough.RECALL)
    client.shot('draft-recall')
    client.click_button('启动')
    client.shot('opened')
    assert client.field('state') == '进行中'
    client.open_page('明细')
    lines = client.tab.locator('.form table.tree:visible').first.inner_text()
    client.shot('lines')
    assert walkthrough.PHARMACY in lines, lines

    client.run_action('导出召回明细')
    client.shot('export')
    with client.page.expect_download() as download:
        client.dialog.locator('button[title="另存为..."]').click()
    download = download.value
    path = download.path()
    client.dialog.get_by_role('button', name='关闭', exact=True).click()
    client.settle()

    assert download.suggested_filename.endswith('.xlsx')
    with open(path, 'rb') as file:
        customers, lots = _xlsx_sheets(file.read())
    # One line per customer, then the lots each customer received
    header, *lines = customers
    assert len(lines) == 1, customers
    line = dict(zip(header, lines[0], strict=False))
    assert line['客户'] == walkthrough.PHARMACY, line
    assert float(line['已交付数量']) == 50, line
    header, *lines = lots
    assert len(lines) == 1, lots
    line = dict(zip(header, lines[0], strict=False))
    assert line['批次'] == walkthrough.RECALL_LOT, line
    recall, = admin.find('qms.recall',
        [('reference', '=', walkthrough.RECALL)], ['state', 'lines'])
    assert recall['state'] == 'open' and len(recall['lines']) == 1, recall


def test_store_user_sees_ticket_escalate(client, admin):
    "A store sees its overdue ticket escalated to its region by the cron"
    ticket, = admin.find('qms.ticket',
        [('description', '=', walkthrough.TICKET)], ['number'])
    client.login('store')
    client.open_menu('质量管理', '售后服务', '服务工单')
    client.shot('tickets')
    client.open_record(ticket['number'], exact=True)
    assert client.field('handling_unit') == '[S-WY] 五一广场店'
    client.shot('ticket')

    # what trytond-cron does every 15 minutes
    cron_ids = admin('ir.cron', 'search',
        [('method', '=', 'qms.ticket|escalate_overdue')], 0, None, None)
    admin('ir.cron', 'run_once', cron_ids)

    client.reload()
    client.shot('escalated')
    assert client.field('handling_unit') == '[R-CS] 长沙区部'
    client.open_page('升级记录')
    escalations = client.tab.locator(
        '.form table.tree:visible').first.inner_text()
    client.shot('escalation-line')
    assert re.search(r'五一广场店[\s\S]*长沙区部', escalations), escalations
