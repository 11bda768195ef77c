# This file is part of the QMS modules for Tryton.
import os

import polib

from trytond.pool import Pool, PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('qms.expiry.reminder|generate', "Generate Expiry Reminders"))


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def translation_import(cls, lang, module, po_path):
        """Also clear the fuzzy flag of the translations that the module's
        locale/override files confirm: Tryton only overrides a translation
        whose value changes, so a fuzzy one kept as it is stays unused."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        result = super().translation_import(lang, module, po_path)
        paths = [po_path] if isinstance(po_path, str) else po_path
        entries = [e for path in paths
            if os.path.basename(os.path.dirname(path)) == 'override'
            for e in polib.pofile(path)
            if e.msgstr and 'fuzzy' not in e.flags]
        if not entries:
            return result
        fuzzy = {}
        for translation in cls.search([
                    ('lang', '=', lang),
                    ('fuzzy', '=', True),
                    ]):
            fuzzy[(translation.type, translation.name, translation.module,
                    translation.res_id, translation.src)] = translation
        db_ids = {}
        to_save = []
        for entry in entries:
            type_, name, res = entry.msgctxt.split(':', 2)
            res_module, fs_id = res.split('.', 1)
            res_id = -1
            if fs_id:
                if (res_module, fs_id) not in db_ids:
                    db_ids[(res_module, fs_id)] = ModelData.get_id(
                        res_module, fs_id)
                res_id = db_ids[(res_module, fs_id)]
            translation = fuzzy.get(
                (type_, name, res_module, res_id, entry.msgid))
            if translation and translation.value == entry.msgstr:
                translation.fuzzy = False
                translation.overriding_module = module
                to_save.append(translation)
        cls.save(to_save)
        return result
