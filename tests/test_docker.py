"The production compose file validates."
import os
import shutil
import subprocess
import unittest

ROOT = os.path.join(os.path.dirname(__file__), '..')


class DockerComposeTestCase(unittest.TestCase):

    def compose(self):
        if shutil.which('docker') and not subprocess.call(
                ['docker', 'compose', 'version'],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            return ['docker', 'compose']
        self.assertTrue(shutil.which('docker-compose'),
            msg="neither 'docker compose' nor 'docker-compose' "
            "(bin/setup installs it)")
        return ['docker-compose']

    def run_config(self, **env):
        return subprocess.run(
            self.compose() + ['-f', 'docker/compose.yaml', 'config'],
            cwd=ROOT, capture_output=True, text=True,
            env={**os.environ, **env})

    def test_config(self):
        "Test the compose file validates with its secrets given"
        result = self.run_config(
            POSTGRES_PASSWORD='secret', QMS_ADMIN_PASSWORD='admin-secret')
        self.assertEqual(result.returncode, 0, msg=result.stderr)
        for service in ['postgres', 'update', 'web', 'cron', 'worker']:
            self.assertIn(f'  {service}:', result.stdout)
        self.assertIn('postgresql://qms:secret@postgres:5432/', result.stdout)

    def test_config_requires_secrets(self):
        "Test the compose file refuses to start without its secrets"
        env = {k: v for k, v in os.environ.items()
            if k not in {'POSTGRES_PASSWORD', 'QMS_ADMIN_PASSWORD'}}
        result = subprocess.run(
            self.compose() + ['-f', 'docker/compose.yaml', 'config'],
            cwd=ROOT, capture_output=True, text=True, env=env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn('POSTGRES_PASSWORD', result.stderr)
