# This file is part of the QMS modules for Tryton.
"Helpers of the unit tests of the QMS modules"
import os
from contextlib import contextmanager
from unittest.mock import patch

from trytond.modules import get_module_info
from trytond.pool import Pool
from trytond.transaction import Transaction


@contextmanager
def count_queries():
    """Count the SQL queries executed inside the block: counter[0] is their
    number, counter[1] the queries"""
    cursor_class = type(Transaction().connection.cursor())
    execute = cursor_class.execute
    counter = [0, []]

    def counting(self, *args, **kwargs):
        counter[0] += 1
        counter[1].append(args[0] if args else kwargs)
        return execute(self, *args, **kwargs)

    with patch.object(cursor_class, 'execute', counting):
        yield counter


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
