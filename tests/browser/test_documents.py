"""The printed documents of the demo as their readers get them: the
warehouse prints the 随货同行单 of a demo delivery with the web client's
print button in zh_CN; page 1 is saved as a PNG next to the screenshots
for review."""
import base64
import os
import subprocess

import pytest

from demo import base, trace

from .conftest import RPC

pytestmark = pytest.mark.browser

_BLOB_SCRIPT = """async a => {
    const bytes = new Uint8Array(await (await fetch(a.href)).arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 8192) {
        text += String.fromCharCode(...bytes.subarray(i, i + 8192));
    }
    return btoa(text);
}"""


def test_warehouse_prints_delivery_note(client, server, screenshots):
    "The 随货同行单 of a demo delivery is a PDF with every GSP field filled"
    warehouse = RPC(server, 'warehouse')
    shipment, = warehouse.find('stock.shipment.out',
        [('reference', '=', 'SO-DEMO-2501-1')], ['number'])
    client.login('warehouse')
    client.page.evaluate('url => Sao.open_url(url)',
        f"{client.database}/model/stock.shipment.out/{shipment['id']}")
    client.wait_for(client.tab.locator('.form').first, "the shipment form")
    client.settle()
    client.shot('shipment')
    client.tab.locator('button#print').first.click()
    client.tab.locator(
        '.dropdown-menu:visible a', has_text="随货同行单").click()
    link = client.page.locator('.modal.in a[download]').first
    client.wait_for(link, "the download of the delivery note", timeout=60)
    client.shot('download')
    filename = link.get_attribute('download')
    assert filename.endswith('.pdf'), filename
    # the file the link downloads, read from its blob in the page
    content = base64.b64decode(link.evaluate(_BLOB_SCRIPT))
    assert content.startswith(b'%PDF-')
    path = os.path.join(screenshots, 'delivery-note.pdf')
    with open(path, 'wb') as file:
        file.write(content)

    subprocess.run(['pdftoppm', '-png', '-r', '110', '-f', '1', '-l', '1',
            '-singlefile', path, path[:-len('.pdf')]], check=True)
    print(f"\ndelivery note page 1: {path[:-len('.pdf')]}.png")
    # in reading order, a wrapped cell's text stays together
    text = subprocess.run(['pdftotext', path, '-'],
        capture_output=True, check=True).stdout.decode()
    words = ''.join(text.split())

    lot, = warehouse.find('stock.lot', [('number', '=', trace.LOT)],
        ['production_date', 'expiration_date'])
    effective_date = warehouse.find('stock.shipment.out',
        [('id', '=', shipment['id'])], ['effective_date'])[0][
        'effective_date']
    iso = [d['__class__'] == 'date' and '%04d-%02d-%02d' % (
            d['year'], d['month'], d['day'])
        for d in [lot['production_date'], lot['expiration_date'],
            effective_date]]
    expected = [
        "医疗器械随货同行单", shipment['number'], *iso,
        # 供货者
        base.COMPANY, base.COMPANY_ADDRESS[0], "京朝食药监械经营许20190088号",
        base.COMPANY_PHONE,
        # 购货者
        trace.HOSPITAL, "示例路 88 号", "PDY00001211010115A1001",
        "+86 10 6512 3456",
        # the line
        "一次性使用无菌注射器 5ml", " / ".join(base.MODELS[trace.PRODUCT]),
        "国械注准20163140001", trace.SUPPLIER,
        "鲁食药监械生产许20000002号", trace.LOT, "30", "0.80", "24.00",
        *base.CONDITIONS[trace.PRODUCT], trace.CARRIER,
        trace.SHIPPER, trace.CHECKER, "出库复核人", "供货者出库专用章",
        "第 1 页，共 1 页"]
    missing = [v for v in expected if ''.join(v.split()) not in words]
    assert not missing, f"{missing} not in the delivery note:\n{text}"


@pytest.mark.parametrize('login, report, model, domain, expected', [
        ('quality', 'qms.recall.notice', 'qms.recall',
            [('reference', '=', trace.RECALL)],
            ["医疗器械召回通知", trace.RECALL, trace.HOSPITAL, trace.LOT,
                "处理要求", "收货单位盖章"]),
        ('quality', 'qms.register.recall', 'qms.recall', [],
            ["召回登记册", trace.RECALL, trace.LOT]),
        ('aftersales', 'qms.register.complaint', 'sale.complaint', [],
            ["投诉登记册"]),
        ])
def test_recall_notice_and_registers(
        server, screenshots, login, report, model, domain, expected):
    "The recall notice and the registers of the demo print as PDF"
    user = RPC(server, login)
    ids = user(model, 'search', domain, 0, None, None)
    oext, content, _, name = user.call(f'report.{report}.execute',
        ids, {}, user.context)
    assert oext == 'pdf', (report, oext)
    path = os.path.join(screenshots, f'{report}.pdf')
    with open(path, 'wb') as file:
        file.write(base64.b64decode(content['base64']))
    subprocess.run(['pdftoppm', '-png', '-r', '80', '-f', '1', '-l', '1',
            '-singlefile', path, path[:-len('.pdf')]], check=True)
    text = subprocess.run(['pdftotext', path, '-'],
        capture_output=True, check=True).stdout.decode()
    words = ''.join(text.split())
    missing = [v for v in expected + ["第 1 页"]
        if ''.join(v.split()) not in words]
    assert not missing, f"{missing} not in {report}:\n{text}"
