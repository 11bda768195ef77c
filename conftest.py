# Collect Tryton doctest scenarios (tests/scenario_*.rst) as pytest items,
# with Tryton's own set-up, tear-down and output checker.
import doctest
import os
import unittest

import pytest


def pytest_collect_file(parent, file_path):
    if (file_path.suffix == '.rst'
            and file_path.name.startswith('scenario')
            and file_path.parent.name == 'tests'):
        return ScenarioFile.from_parent(parent, path=file_path)


class ScenarioFile(pytest.File):
    def collect(self):
        yield ScenarioItem.from_parent(self, name=self.path.name)


class ScenarioFailure(Exception):
    pass


class ScenarioItem(pytest.Item):
    def runtest(self):
        from trytond import backend
        from trytond.tests.test_tryton import (
            STRIP_DECIMAL, doctest_checker, doctest_setup, doctest_teardown)
        optionflags = (
            doctest.REPORT_ONLY_FIRST_FAILURE
            | doctest.ELLIPSIS
            | doctest.IGNORE_EXCEPTION_DETAIL)
        if backend.name == 'sqlite':
            optionflags |= STRIP_DECIMAL
        case = doctest.DocFileTest(
            str(self.path), module_relative=False,
            setUp=doctest_setup, tearDown=doctest_teardown,
            checker=doctest_checker, optionflags=optionflags,
            encoding='utf-8')
        result = unittest.TestResult()
        case.run(result)
        problems = result.errors + result.failures
        if problems:
            raise ScenarioFailure('\n'.join(tb for _, tb in problems))
        if not result.testsRun:
            raise ScenarioFailure("scenario did not run")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"scenario: {self.name}"


def pytest_configure(config):
    # Tryton names its cached databases after the module list only; add the
    # hash of the modules' code (bin/test passes it) so that a cache made
    # from other code is never reused.
    code_hash = os.environ.get('QMS_CODE_HASH')
    if not code_hash:
        return
    from trytond.tests import test_tryton
    db_cache_file = test_tryton._db_cache_file

    def _db_cache_file(path, name):
        return db_cache_file(path, f'{name}@{code_hash}') + (
            f'-{code_hash}' if path.startswith('postgresql://') else '')
    test_tryton._db_cache_file = _db_cache_file
