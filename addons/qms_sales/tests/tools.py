# This file is part of the QMS modules for Tryton.
"Helpers of the unit tests of the QMS modules"
import os

from trytond.modules import get_module_info
from trytond.pool import Pool


def load_translations(language, *modules):
    "Load the translations of the modules in language, as bin/run does"
    pool = Pool()
    Lang = pool.get('ir.lang')
    Translation = pool.get('ir.translation')
    Lang.write(Lang.search([('code', '=', language)]),
        {'translatable': True})
    for module in modules:
        path = os.path.join(
            get_module_info(module)['directory'], 'locale',
            f'{language}.po')
        Translation.translation_import(language, module, path)
