"Every user-facing string of the QMS modules has a zh_CN translation."
import os
import unittest

import polib

from trytond import backend
from trytond.exceptions import LoginException
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

MODULES = ['qms_sales', 'qms_trace', 'qms_aftersales']
ADDONS = os.path.join(os.path.dirname(__file__), '..', 'addons')


@unittest.skipIf(backend.name != 'sqlite',
    "the po files are the same for every database")
class TranslationTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('qms_aftersales')

    @with_transaction()
    def test_zh_cn_complete(self):
        "Test every source string has a non-fuzzy zh_CN translation"
        pool = Pool()
        Translation = pool.get('ir.translation')
        TranslationSet = pool.get('ir.translation.set', type='wizard')
        session_id, _, _ = TranslationSet.create()
        TranslationSet.execute(session_id, {}, 'set_')
        TranslationSet.delete(session_id)
        for module in MODULES:
            with self.subTest(module=module):
                source = polib.pofile(
                    Translation.translation_export('en', module).decode())
                path = os.path.join(ADDONS, module, 'locale', 'zh_CN.po')
                done = {
                    (e.msgctxt, e.msgid) for e in polib.pofile(path)
                    if e.msgstr and 'fuzzy' not in e.flags}
                missing = [
                    f'{e.msgctxt} {e.msgid!r}' for e in source
                    if (e.msgctxt, e.msgid) not in done]
                self.assertFalse(missing,
                    msg=f"{module}: {len(missing)} strings without zh_CN "
                    "translation (run bin/export-translations and fill "
                    "them):\n" + '\n'.join(missing[:40]))

    @with_transaction()
    def test_zh_cn_overrides_core(self):
        "Test the zh_CN overrides of Tryton's modules are used"
        pool = Pool()
        Lang = pool.get('ir.lang')
        ModelData = pool.get('ir.model.data')
        Translation = pool.get('ir.translation')
        Sale = pool.get('sale.sale')
        Shipment = pool.get('stock.shipment.out')
        Address = pool.get('party.address')
        User = pool.get('res.user')
        zh_cn, = Lang.search([('code', '=', 'zh_CN')])
        Lang.load_translations([zh_cn])

        path = os.path.join(
            ADDONS, 'qms_sales', 'locale', 'override', 'zh_CN.po')
        not_used = []
        for entry in polib.pofile(path):
            type_, name, res = entry.msgctxt.split(':', 2)
            module, fs_id = res.split('.', 1)
            domain = [
                ('lang', '=', 'zh_CN'),
                ('type', '=', type_),
                ('name', '=', name),
                ('module', '=', module),
                ('res_id', '=',
                    ModelData.get_id(module, fs_id) if fs_id else -1),
                ('src', '=', entry.msgid),
                ]
            translation, = Translation.search(domain)
            if translation.fuzzy or translation.value != entry.msgstr:
                not_used.append(f'{entry.msgctxt} {entry.msgid!r}')
        self.assertFalse(not_used, msg='\n'.join(not_used[:40]))

        with Transaction().set_context(language='zh_CN'):
            # fuzzy in Tryton's file, confirmed by the override
            self.assertEqual(Sale.fields_get(['state'])['state']['string'],
                "状态")
            self.assertEqual(
                Shipment.fields_get(['number'])['number']['string'], "编号")
            self.assertEqual(
                Address.fields_get(['invoice'])['invoice']['string'], "发票")
            self.assertEqual(
                dict(Sale.fields_get(['state'])['state']['selection'])[
                    'draft'], "草稿")

        # the web client asks for the password in its browser's language,
        # sent as zh-CN
        with Transaction().set_context(language='zh-CN'):
            with self.assertRaises(LoginException) as cm:
                User.get_login('admin', {})
        self.assertEqual(cm.exception.message, "admin 的密码")
