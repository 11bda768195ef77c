"The web client as its users see it."
import pytest

pytestmark = pytest.mark.browser


def test_login_zh_cn_sales_user_sees_qms_menu(client):
    "A zh_CN sales user logs in and finds the QMS menu in Chinese"
    client.login('sales')
    assert '质量管理' in client.menu_texts()
    client.shot('menu')


def test_login_admin_sees_qms_menu(client):
    "The demo administrator logs in and finds the QMS menu"
    client.login('admin')
    assert 'Quality Management' in client.menu_texts()
    client.shot('menu')
