"""Short ways users asked for: quality starts a recall from a trace result;
a service provider's form opens on its provider page."""
import pytest

pytestmark = pytest.mark.browser

LOT = 'GLOV2401'


def test_start_recall_from_trace(client, admin):
    "Quality traces a lot downstream and starts a recall of it"
    client.page.set_viewport_size({'width': 1440, 'height': 900})
    client.login('quality')
    client.open_menu('库存 ＆ 盘点', '批次')
    client.open_record(LOT, exact=True)
    client.run_action('批次追溯')
    client.dialog.get_by_role('button', name='向下追溯', exact=True).click()
    client.wait_for(client.tab.locator('table.tree tbody tr',
            has_text=LOT).first, "the downstream trace")
    client.settle()
    client.shot('trace')
    assert not client.hidden_columns(), "the trace needs sideways scrolling"
    client.tab.locator('table.tree thead th.selection-state input').click()
    client.tab.locator('button[title="执行操作"]').first.click()
    client.tab.locator('.dropdown-menu:visible a', has_text='发起召回').click()
    client.wait_for(client.tab.locator('.form [name="reference"]'),
        "the new recall")
    client.settle()
    lots = client.tab.locator('.form table.tree').first.inner_text()
    client.shot('new-recall')
    assert LOT in lots, lots
    client.type_text('reference', "RC-TRACE-01")
    client.type_text('reason', "手套批次抽检不合格")
    record_id = client.save()
    client.shot('saved')
    recall, = admin('qms.recall', 'read', [record_id],
        ['state', 'lots.rec_name'])
    assert recall['state'] == 'draft'
    assert [l['rec_name'] for l in recall['lots.']] == [LOT]


def test_provider_opens_on_provider_page(client):
    "A provider's form shows its provider data first, a customer's not"
    client.login('hq')
    client.open_menu('质量管理', '售后服务', '服务网点', '服务网点')
    client.open_record('长沙芙蓉家电维修服务部')
    client.shot('provider')
    page = client.tab.locator('.form .nav-tabs li.active a').first
    assert page.inner_text() == '外协服务网点'

    client.open_menu('往来单位', '往来单位')
    client.open_record('北京协和样例医院')
    client.shot('customer')
    pages = client.tab.locator(
        '.form .nav-tabs li:visible a').all_inner_texts()
    assert '外协服务网点' not in pages, pages
