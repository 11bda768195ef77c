"Every user-facing string of the QMS modules has a zh_CN translation."
import os
import unittest

import polib

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

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
