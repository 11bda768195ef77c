"""Every screen a zh_CN user reaches is in Chinese: each demo role logs in,
expands its whole menu and opens each list it reaches (each menu entry once
in the suite, by the first role that has it) and the form of its first
record; no label, column, tab, button or selection text may contain Latin
letters except the few words of ALLOWED (codes with digits pass: Q01,
S0009). The login dialogs too; English users keep English. At 1440 px, the
main lists show all their columns without scrolling sideways."""
import re

import pytest

from demo.base import USERS

from .conftest import RPC

pytestmark = pytest.mark.browser

# Words that stay Latin on Chinese screens: standards, file formats, units
# and technical identifiers everybody reads as they are
ALLOWED = {
    'UDI', 'GTIN', 'GS1', 'SLA', 'CAPA', 'PDF', 'xlsx', 'XLSX', 'ODT',
    'ID', 'XML', 'URL', 'UoM', 'IP', 'UUID', 'SIP', 'Skype', 'IRC',
    'Jabber', 'Cookie', 'REST', 'API', 'kg', 'g', 'm', 'cm', 'mm', 'km',
    'l', 'ml', 'h', 'min', 's', 'u', 'gal', 'CNY', 'EUR', 'USD', 'DI',
    # keyboard keys in the web client's tooltips
    'Del', 'Enter', 'Esc', 'Ctrl', 'Shift', 'Alt',
    }
WORD = re.compile(r'[A-Za-z][A-Za-z0-9]*')
ZH_CN_ROLES = [login for login, _, lang, _ in USERS if lang == 'zh_CN']

# The texts a user reads in the active tab: tab title, list columns, labels,
# notebook and filter tabs, buttons and the selections' labels (values of
# records — names, numbers — are data, not checked)
_TEXTS_SCRIPT = r"""() => {
    const out = [];
    const add = (kind, text) => {
        text = (text || '').replace(/\s+/g, ' ').trim();
        if (text) { out.push([kind, text]); }
    };
    const tab = document.querySelector('#tablist li.active');
    if (tab) { add('tab title', tab.textContent); }
    const pane = document.querySelector('#tabcontent > .tab-pane.active');
    if (!pane) { return out; }
    pane.querySelectorAll('th').forEach(e => add('column', e.textContent));
    pane.querySelectorAll('label').forEach(e => add('label', e.textContent));
    pane.querySelectorAll('.nav-tabs a').forEach(
        e => add('tab', e.textContent));
    pane.querySelectorAll('button').forEach(e => {
        add('button', e.textContent);
        add('button', e.getAttribute('title'));
    });
    pane.querySelectorAll('select').forEach(e => {
        const option = e.options[e.selectedIndex];
        if (option) { add('selection', option.text); }
    });
    pane.querySelectorAll('td.column-selection, td.column-multiselection')
        .forEach(e => add('selection', e.textContent));
    pane.querySelectorAll('.form-separator, legend').forEach(
        e => add('separator', e.textContent));
    return out;
}"""

_MENU_SCRIPT = r"""() => Array.from(
    document.querySelectorAll('#menu tbody tr')).map(tr => {
        const expander = tr.querySelector('span.expander');
        const indent = expander && expander.firstElementChild;
        return {
            title: (tr.querySelector('div.column-char') || {}).title || '',
            depth: indent ? parseFloat(indent.style.marginLeft || 0) : 0,
            parent: !!expander
                && getComputedStyle(expander).visibility === 'visible',
        };
    })"""


def latin(texts):
    "The texts with a Latin word that is not allowed"
    return sorted({f'{kind}: {text}' for kind, text in texts
            if any(w not in ALLOWED and not re.search(r'\d', w)
                for w in WORD.findall(text))})


def expand_menu(client):
    "Expand every entry of the menu; return the paths of its rows"
    page = client.page
    client.menu_texts()
    while True:
        rows = page.evaluate(_MENU_SCRIPT)
        collapsed = [i for i, row in enumerate(rows) if row['parent'] and (
                i + 1 == len(rows) or rows[i + 1]['depth'] <= row['depth'])]
        if not collapsed:
            break
        page.locator('#menu tbody tr').nth(collapsed[0]).locator(
            'span.expander').click()
        page.wait_for_function(
            """count => document.querySelectorAll('#menu tbody tr').length
                > count && window.__qms_pending === 0""", arg=len(rows))
    client.settle()
    paths, stack = [], []
    for row in rows:
        while stack and stack[-1][0] >= row['depth']:
            stack.pop()
        stack.append((row['depth'], row['title']))
        paths.append(' / '.join(title for _, title in stack))
    return paths


def close_tab(client):
    client.page.evaluate("jQuery('#tablist li.active').data('tab').close()")
    client.settle()


def shot_name(path):
    return re.sub(r'[/\s]+', '-', path)


# The lists and forms people work in; each is opened once in the suite, by
# the first role (in demo order) that reaches it in its menu
MAIN_MODELS = {
    'party.party', 'party.qualification', 'product.template',
    'product.registration', 'stock.lot', 'sale.sale', 'sale.complaint',
    'stock.shipment.out', 'stock.shipment.in', 'stock.shipment.out.return',
    'qms.concession', 'qms.sales.authorization', 'qms.sales.override',
    'qms.sales.record', 'qms.purchase.record', 'qms.sales.stop',
    'qms.recall', 'qms.ticket', 'qms.fund.claim', 'qms.nonconformity',
    'qms.service.inspection', 'qms.provider.violation',
    'qms.expiry.reminder', 'qms.service.report.weekly',
    }
opened = set()



@pytest.mark.parametrize('login', ZH_CN_ROLES)
def test_zh_cn_role_screens(client, server, admin, login):
    "A zh_CN role sees Chinese on its menu, lists and forms"
    rpc = RPC(server, login)
    assert rpc.context.get('language') == 'zh_CN', rpc.context
    menus = rpc('ir.ui.menu', 'search_read', [], 0, None, None,
        ['complete_name', 'action'])
    windows = {int(m['action'].split(',')[1]): m['complete_name']
        for m in menus
        if (m['action'] or '').startswith('ir.action.act_window,')}
    models = {a['id']: a['res_model'] for a in admin(
            'ir.action.act_window', 'read', list(windows), ['res_model'])}
    to_open = {}
    for action_id, path in sorted(windows.items()):
        model = models[action_id]
        if model in MAIN_MODELS and model not in opened:
            to_open.setdefault(model, path)

    # the main lists keep their columns on a 1440 px wide screen
    client.page.set_viewport_size({'width': 1440, 'height': 900})
    client.login(login)
    paths = expand_menu(client)
    client.shot('menu')
    missing = {m['complete_name'] for m in menus} - set(paths)
    assert not missing, f"menu entries not shown: {missing}"
    found = latin(('menu', p) for p in paths)

    for model, path in sorted(to_open.items(), key=lambda i: i[1]):
        opened.add(model)
        client.page.locator('#menu tbody tr').nth(paths.index(path)).locator(
            'div.column-char').click()
        client.wait_for(client.page.locator(
                '#tabcontent > .tab-pane.active .screen-container').first,
            f"opening menu {path}")
        client.settle()
        texts = client.page.evaluate(_TEXTS_SCRIPT)
        hidden = client.hidden_columns()
        if hidden:
            client.shot(shot_name(path) + '-too-wide')
            found.append(f'{path}: columns past 1440 px: {hidden}')
        rows = client.tab.locator('table.tree tbody tr:visible')
        everything = client.tab.locator('.nav-tabs a', has_text='全部')
        if not rows.count() and everything.count():
            everything.first.click()
            client.settle()
        switch = client.tab.locator('button[title="切换"]').first
        if rows.count() and rows.first.locator('td.selection-state').count():
            rows.first.locator('td.selection-state input').click()
        if rows.count() and switch.is_visible() and switch.is_enabled():
            switch.click()
            client.wait_for(client.tab.locator('.form').first,
                f"opening a record of {path} in its form")
            client.settle()
            texts += client.page.evaluate(_TEXTS_SCRIPT)
            client.shot(shot_name(path) + '-form')
        else:
            client.shot(shot_name(path))
        found += [f'{path}: {t}' for t in latin(texts)]
        close_tab(client)

    assert not found, (f"{login} sees {len(found)} Latin texts or hidden "
        "columns:\n"
        + '\n'.join(found))


def _login_dialog_texts(page):
    return page.evaluate(r"""() => Array.from(document.querySelectorAll(
            '.modal.in label, .modal.in button, .modal.in .modal-title'))
        .map(e => [e.tagName, (e.textContent || e.title || '')
            .replace(/\s+/g, ' ').trim()]).filter(e => e[1])""")


def test_zh_cn_login_dialog(browser, server, screenshots):
    "A browser in Chinese shows the login and password dialogs in Chinese"
    import os
    url, database = server
    context = browser.new_context(locale='zh-CN',
        viewport={'width': 1280, 'height': 800})
    page = context.new_page()
    try:
        page.goto(url)
        page.wait_for_selector('input#login', timeout=30000)
        page.wait_for_timeout(500)
        databases = page.locator('select#database')
        if databases.is_visible():
            databases.select_option(database)
        texts = _login_dialog_texts(page)
        page.screenshot(path=os.path.join(screenshots, 'login-zh_CN.png'))
        page.fill('input#login', 'sales')
        page.keyboard.press('Enter')
        page.wait_for_selector('input[type=password]', timeout=30000)
        page.wait_for_timeout(500)
        password = _login_dialog_texts(page)
        page.screenshot(
            path=os.path.join(screenshots, 'login-password-zh_CN.png'))
    finally:
        context.close()
    assert any('sales 的密码' in t for _, t in password), password
    # the login typed in is data
    found = latin((kind, text.replace('sales', ''))
        for kind, text in texts + password)
    assert not found, '\n'.join(found)


def test_english_user_keeps_english(client):
    "The administrator, in English, still reads Tryton's English labels"
    client.login('admin')
    assert 'Sales' in client.menu_texts()
    client.open_menu('Sales', 'Sales')
    texts = [t for _, t in client.page.evaluate(_TEXTS_SCRIPT)]
    client.shot('sales-en')
    assert 'Party' in texts or 'Customer' in texts, texts
    assert not any(re.search('[\u4e00-\u9fff]', t) for t in texts), texts
