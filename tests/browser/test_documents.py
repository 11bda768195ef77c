"""The printed documents of the demo as their readers get them: the
warehouse prints the 随货同行单 of a demo delivery with the web client's
print button in zh_CN; page 1 is saved as a PNG next to the screenshots
for review."""
import os
import subprocess

import pytest

from demo import base, trace

from .conftest import RPC

pytestmark = pytest.mark.browser


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
    client.tab.locator('button[title="打印"]').first.click()
    client.tab.locator(
        '.dropdown-menu:visible a', has_text="随货同行单").click()
    link = client.page.locator('.modal.in a[download]')
    client.wait_for(link, "the download of the delivery note", timeout=60)
    with client.page.expect_download() as download:
        link.click()
    download = download.value
    assert download.suggested_filename.endswith('.pdf'), (
        download.suggested_filename)
    path = os.path.join(screenshots, 'delivery-note.pdf')
    download.save_as(path)
    with open(path, 'rb') as file:
        assert file.read(5) == b'%PDF-'

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
