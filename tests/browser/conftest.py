"""A web client on a fresh demo database, started by the README's run
command, and a headless Chromium to drive it."""
import base64
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
PASSWORD = 'qms-demo-2026'


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='session')
def server():
    """The web client of bin/run on a new demo database, or the one at
    QMS_BROWSER_URL (http://host:port/database, a fresh copy of the demo:
    the story changes it)"""
    if os.environ.get('QMS_BROWSER_URL'):
        url, database = os.environ['QMS_BROWSER_URL'].rsplit('/', 1)
        yield url + '/', database
        return
    database = f'browser_{os.getpid()}'
    port = _free_port()
    log_path = os.path.join(ROOT, 'var', f'{database}.log')
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_') and k not in {'DB_NAME', 'DB_CACHE'}}
    env.update(QMS_DB=database, QMS_PORT=str(port))
    with open(log_path, 'w') as log:
        process = subprocess.Popen(
            [os.path.join(ROOT, 'bin', 'run')], cwd=ROOT, env=env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f'http://127.0.0.1:{port}/'
    try:
        deadline = time.monotonic() + 600
        while True:
            if process.poll() is not None:
                pytest.fail("bin/run stopped:\n" + open(log_path).read())
            try:
                with open(log_path) as log:
                    serving = '== serving' in log.read()
                if serving:
                    urllib.request.urlopen(url, timeout=2).close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("web client did not come up:\n"
                    + open(log_path).read())
            time.sleep(1)
        yield url, database
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)
        for suffix in ['', '-shm', '-wal']:
            path = os.path.join(
                ROOT, 'var', 'db', f'{database}.sqlite{suffix}')
            if os.path.exists(path):
                os.remove(path)


class RPC:
    "A JSON-RPC session on the server, to look up and check what users did"

    def __init__(self, server, login, password=PASSWORD):
        url, database = server
        self.url = f'{url}{database}/rpc/'
        self.session = None
        user_id, token = self.call(
            'common.db.login', login, {'password': password}, 'en')[:2]
        self.session = base64.b64encode(
            f'{login}:{user_id}:{token}'.encode()).decode()
        self.context = self.call('model.res.user.get_preferences', True, {})

    def call(self, method, *params):
        request = urllib.request.Request(self.url, method='POST',
            data=json.dumps({'id': 1, 'method': method,
                    'params': list(params)}).encode(),
            headers={'Content-Type': 'application/json'})
        if self.session:
            request.add_header('Authorization', 'Session ' + self.session)
        with urllib.request.urlopen(request, timeout=60) as response:
            result = json.load(response)
        if result.get('error'):
            raise RuntimeError(f"{method}: {result['error']}")
        return result['result']

    def __call__(self, model, method, *params):
        return self.call(f'model.{model}.{method}', *params, self.context)

    def find(self, model, domain, fields):
        ids = self(model, 'search', domain, 0, None, None)
        return self(model, 'read', ids, fields) if ids else []


@pytest.fixture(scope='session')
def admin(server):
    "The administrator over RPC"
    return RPC(server, 'admin')


@pytest.fixture(scope='session')
def screenshots():
    folder = os.path.join(ROOT, 'var', 'screenshots',
        dt.datetime.now().strftime('%Y%m%d-%H%M%S'))
    os.makedirs(folder, exist_ok=True)
    print(f"\nscreenshots in {folder}")
    return folder


@pytest.fixture(scope='session')
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=['--no-sandbox', '--disable-gpu', '--disable-quic',
                '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync'])
        yield browser
        browser.close()


# Counts the requests sao has in flight, so that a step waits for the
# server's answers instead of sleeping
_PENDING_SCRIPT = """
(() => {
    window.__qms_pending = 0;
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function(...args) {
        window.__qms_pending += 1;
        this.addEventListener('loadend', () => { window.__qms_pending -= 1; });
        return send.apply(this, args);
    };
})();
"""
# The values a form shows: text inputs, selections (their label) and
# read-only text, by field name, in the given container
_FIELD_SCRIPT = """(container, name) => {
    const el = container.querySelector(`[name="${name}"]`);
    if (!el) { return null; }
    if (el.tagName === 'SELECT') {
        const option = el.options[el.selectedIndex];
        return option ? option.text : '';
    }
    return 'value' in el ? el.value : el.textContent;
}"""

# The list columns a user cannot see without scrolling sideways: the
# headers whose right edge is past the list's visible width
_HIDDEN_COLUMNS_SCRIPT = r"""pane => {
    const tree = pane.querySelector('.treeview');
    if (!tree) { return []; }
    const right = tree.getBoundingClientRect().left + tree.clientWidth;
    return Array.from(tree.querySelectorAll('thead th')).filter(
        th => th.offsetParent !== null
            && th.getBoundingClientRect().right > right + 1).map(
        th => th.textContent.replace(/\s+/g, ' ').trim());
}"""


class StepFailed(AssertionError):
    pass


class Client:
    """A person using the web client: small helpers that do what the user
    does (open a menu entry, a record, click a button by its label, read a
    dialog) and wait until the client has the server's answer"""

    def __init__(self, page, server, folder, name):
        self.page, self.folder, self.name = page, folder, name
        self.url, self.database = server
        self.step = 0
        self.errors = []
        page.add_init_script(_PENDING_SCRIPT)
        page.on('pageerror', lambda error: self.errors.append(str(error)))
        page.set_default_timeout(30000)

    def shot(self, label):
        self.step += 1
        path = os.path.join(
            self.folder, f'{self.name}-{self.step:02d}-{label}.png')
        self.page.screenshot(path=path)
        return path

    def settle(self):
        "Wait until the client has the answers to its requests"
        page = self.page
        for _ in range(2):
            page.wait_for_function(
                'window.__qms_pending === 0', timeout=60000)
            page.wait_for_timeout(300)
        self.check()

    def wait_for(self, locator, what, timeout=30):
        "Wait until locator is visible, failing at once on a client error"
        from playwright.sync_api import TimeoutError
        deadline = time.monotonic() + timeout
        while True:
            self.check()
            try:
                locator.wait_for(timeout=500)
                return
            except TimeoutError as e:
                if time.monotonic() > deadline:
                    raise StepFailed(
                        f"{what}: nothing after {timeout}s") from e

    def check(self):
        "Fail on a JavaScript error or a server error (traceback) dialog"
        if self.errors:
            raise StepFailed(
                f"the web client failed: {'; '.join(self.errors)}")
        error = self.page.locator('.error-dialog.in')
        if error.count():
            raise StepFailed(
                f"server error dialog: {error.first.inner_text()}")

    def login(self, login, password=PASSWORD):
        page = self.page
        page.goto(self.url)
        page.wait_for_selector('input#login', timeout=30000)
        databases = page.locator('select#database')
        page.wait_for_timeout(500)
        if databases.is_visible():
            databases.select_option(self.database)
        page.fill('input#login', login)
        page.get_by_role('button', name='LOGIN').click()
        page.wait_for_selector('input[type=password]', timeout=30000)
        page.fill('input[type=password]', password)
        page.keyboard.press('Enter')
        page.wait_for_selector('input#login', state='detached', timeout=30000)
        self.menu_texts()
        self.settle()
        self.shot('login')

    def menu_texts(self):
        self.page.wait_for_function(
            "document.querySelectorAll('#menu td, #menu span').length > 2",
            timeout=30000)
        return self.page.inner_text('#menu')

    def _menu_titles(self):
        return self.page.evaluate("""() => Array.from(
            document.querySelectorAll('#menu tbody tr')).map(tr => {
                const cell = tr.querySelector('div.column-char');
                return cell ? cell.getAttribute('title') : null;
            })""")

    def open_menu(self, *path):
        "Open the menu entry at path (its labels, top first)"
        rows = self.page.locator('#menu tbody tr')
        start = 0
        for depth, label in enumerate(path):
            titles = self._menu_titles()
            if label not in titles[start:]:
                raise StepFailed(f"no menu entry {' / '.join(path)}: "
                    f"{label!r} is not among {titles[start:]}")
            index = titles.index(label, start)
            row = rows.nth(index)
            if depth < len(path) - 1:
                if path[depth + 1] not in titles[index + 1:]:
                    row.locator('span.expander').click()
                    self.page.wait_for_function(
                        """([index, child]) => Array.from(
                            document.querySelectorAll('#menu tbody tr'))
                            .slice(index + 1).some(tr =>
                                tr.querySelector(`div[title="${child}"]`))
                        """, arg=[index, path[depth + 1]])
            else:
                row.locator('div.column-char').click()
                self.wait_for(self.page.locator(
                        '#tabcontent > .tab-pane.active .screen-container'
                        ).first, f"opening menu {' / '.join(path)}")
            start = index + 1
        self.settle()

    @property
    def tab(self):
        "The active tab"
        return self.page.locator('#tabcontent > .tab-pane.active')

    @property
    def dialog(self):
        "The dialog on top (a wizard or a message)"
        return self.page.locator('.modal.in').last

    def filter_tab(self, label):
        "Show the records of the list's filter tab (Draft, Waiting...)"
        self.tab.locator('.nav-tabs a', has_text=label).first.click()
        self.settle()

    def open_record(self, text, exact=False):
        """Open in its form the first listed record that shows text (exact:
        in one of its cells)"""
        rows = self.tab.locator('table.tree tbody tr')
        if exact:
            row = rows.filter(
                has=self.page.locator(f'.widget > :text-is("{text}")')).first
        else:
            row = rows.filter(has_text=text).first
        try:
            row.wait_for(timeout=10000)
        except Exception as e:
            raise StepFailed(f"no record showing {text!r} in the list:\n"
                + self.tab.locator('table.tree').first.inner_text()) from e
        row.locator('td.selection-state ~ td:visible').first.click()
        self.tab.locator('button[title="切换"]').first.click()
        self.wait_for(self.tab.locator('.form').first,
            f"opening the record {text!r} in its form")
        self.settle()

    def reload(self):
        "Reload the record from the server (the refresh button)"
        self.tab.locator('button[title="刷新/撤销"]').first.click()
        self.settle()

    def click_button(self, label, confirm=False):
        """Click the form's button with label; confirm answers the client's
        "are you sure" question"""
        button = self.tab.locator(f'button[title="{label}"]:visible')
        if not button.count():
            labels = [b.get_attribute('title') for b in self.tab.locator(
                    '.form button:visible[title]').all()]
            raise StepFailed(f"no button {label!r}; the form has {labels}")
        button.first.click()
        if confirm:
            question = self.page.locator('.confirmation-dialog.in')
            question.wait_for()
            question.locator('button', has_text='确定').click()
        self.settle()

    def run_action(self, label):
        "Run an action of the toolbar's action menu (a wizard or report)"
        self.tab.locator('button[title="执行操作"]').first.click()
        self.tab.locator('.dropdown-menu:visible a', has_text=label).click()
        self.page.locator('.modal.in').last.wait_for()
        self.settle()

    def open_page(self, label):
        "Show the notebook page of the form with label"
        self.tab.locator('.form .nav-tabs a', has_text=label).first.click()
        self.settle()

    def new_record(self):
        "Start a new record in the form (the New button)"
        self.tab.locator('button[title="新建"]').first.click()
        self.wait_for(self.tab.locator('.form').first, "a new record")
        self.settle()

    def widget(self, name):
        """The input of the field name in the form, its notebook page
        shown"""
        form = self.tab.locator('.form').first
        widget = form.locator(f'[name="{name}"]').first
        widget.evaluate("""el => {
            for (let pane = el.closest('.tab-pane'); pane;
                    pane = pane.parentElement.closest('.tab-pane')) {
                if (!pane.classList.contains('active')) {
                    document.querySelector(`a[href="#${pane.id}"]`).click();
                }
            }}""")
        # some widgets (numbers) keep a hidden input of the same name
        widget = form.locator(f'[name="{name}"]:visible').first
        widget.wait_for()
        return widget

    def choose(self, name, value, keyboard=False):
        """Choose value (its key) in the selection name, with the mouse or
        with the arrow keys"""
        select = self.widget(name)
        option = json.dumps(value)
        if keyboard:
            values = select.evaluate(
                'el => Array.from(el.options).map(o => o.value)')
            move = values.index(option) - values.index(
                select.evaluate('el => el.value'))
            select.focus()
            for _ in range(abs(move)):
                select.press('ArrowDown' if move > 0 else 'ArrowUp')
            select.press('Tab')
        else:
            select.select_option(value=option)
        self.settle()

    def pick(self, name, text):
        """Type text in the many2one name and pick the completion that
        shows it; return the completion's text"""
        entry = self.widget(name)
        entry.click()
        entry.fill('')
        entry.press_sequentially(text, delay=20)
        item = self.tab.locator('.dropdown.open .dropdown-completion '
            'li:not(.dropdown-action) a', has_text=text).first
        self.wait_for(item, f"a completion of {text!r} in {name}")
        label = item.inner_text().strip()
        item.click()
        self.settle()
        return label

    def refer(self, name, model, text):
        """Choose model in the reference name, then pick the record that
        shows text; return the completion's text"""
        self.widget(name).locator('xpath=ancestor::*[contains('
            'concat(" ", @class, " "), " form-reference ")][1]//select'
            ).select_option(value=model)
        self.settle()
        return self.pick(name, text)

    def type_date(self, name, value):
        "Type the date or datetime value in the field name"
        entry = self.widget(name)
        entry.click()
        entry.fill(value.strftime(
            '%Y-%m-%d %H:%M:%S' if isinstance(value, dt.datetime)
            else '%Y-%m-%d'))
        entry.press('Tab')
        self.settle()

    def type_text(self, name, text):
        entry = self.widget(name)
        entry.click()
        entry.fill(text)
        entry.press('Tab')
        self.settle()

    def editable_fields(self):
        """The fields the form lets the user change now: editable inputs
        not hidden by the field's states (on any notebook page)"""
        return self.tab.locator('.form').first.evaluate("""form => {
            const names = new Set();
            for (const el of form.querySelectorAll(
                    'input[name], select[name], textarea[name]')) {
                if (el.disabled || el.readOnly) { continue; }
                let hidden = false;
                for (let p = el; p && p !== form; p = p.parentElement) {
                    if (p.style.display === 'none'
                            || p.classList.contains('form-one2many')
                            || p.classList.contains('form-many2many')) {
                        hidden = true;
                        break;
                    }
                }
                if (!hidden) { names.add(el.getAttribute('name')); }
            }
            return Array.from(names);
        }""")

    def save(self):
        "Save the record; return its id, failing on any message"
        self.tab.locator('button[title="保存"]').first.click()
        self.settle()
        for kind in ['warning-dialog', 'error-dialog', 'message-dialog']:
            dialog = self.page.locator(f'.{kind}.in')
            if dialog.count():
                raise StepFailed(f"saving showed: {dialog.first.inner_text()}")
        record_id = self.tab.evaluate("""pane => {
            for (const tab of Sao.Tab.tabs) {
                if (tab.el[0] === pane || pane.contains(tab.el[0])) {
                    const record = tab.screen.current_record;
                    return record ? record.id : null;
                }
            }
            return null;
        }""")
        if not record_id or record_id < 0:
            raise StepFailed(f"the record was not saved (id {record_id})")
        return record_id

    def field(self, name, container=None):
        "The value the form (or container) shows for the field name"
        if container is None:
            container = self.tab.locator('.form').first
        return container.evaluate(_FIELD_SCRIPT, name)

    def hidden_columns(self):
        "The column headers of the active list past its visible width"
        return self.tab.evaluate(_HIDDEN_COLUMNS_SCRIPT)

    def message(self, kind='warning-dialog'):
        """The text of the message dialog of kind (warning-dialog for user
        errors), waiting for it"""
        dialog = self.page.locator(f'.{kind}.in')
        try:
            dialog.wait_for(timeout=30000)
        except Exception as e:
            raise StepFailed(f"no {kind} appeared") from e
        return dialog.locator('.modal-body').inner_text()

    def close_message(self, kind='warning-dialog'):
        self.page.locator(f'.{kind}.in button', has_text='确定').click()
        self.page.locator(f'.{kind}.in').wait_for(state='hidden')
        self.settle()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == 'call':
        item.qms_failed = report.failed
    return report


@pytest.fixture
def client(browser, server, screenshots, request):
    context = browser.new_context(viewport={'width': 1280, 'height': 800})
    page = context.new_page()
    client = Client(page, server, screenshots, request.node.name)
    yield client
    if getattr(request.node, 'qms_failed', False):
        print(f"\nfailure screenshot: {client.shot('failure')}")
    context.close()
