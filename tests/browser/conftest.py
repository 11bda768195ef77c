"""A web client on a fresh demo database, started by the README's run
command, and a headless Chromium to drive it."""
import datetime as dt
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


class Client:
    "A person using the web client"

    def __init__(self, page, server, folder, name):
        self.page, self.folder, self.name = page, folder, name
        self.url, self.database = server
        self.step = 0

    def shot(self, label):
        self.step += 1
        path = os.path.join(
            self.folder, f'{self.name}-{self.step:02d}-{label}.png')
        self.page.screenshot(path=path)
        return path

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
        self.shot('login')

    def menu_texts(self):
        self.page.wait_for_function(
            "document.querySelectorAll('#menu td, #menu span').length > 2",
            timeout=30000)
        return self.page.inner_text('#menu')


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
