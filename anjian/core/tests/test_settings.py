"""Configuration from the environment; production settings fail closed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[3]


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "ANJIAN_PRODUCTION")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "ANJIAN_PRODUCTION": "1",
    "SECRET_KEY": "p" * 20 + "-a-long-and-random-production-secret-0123456789",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/anjian",
    "ALLOWED_HOSTS": "anjian.example.gov.cn",
}


def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_settings(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_a_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("f" * 60)
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"} | {"SECRET_KEY_FILE": str(secret)}
    result = manage("shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", **env)
    assert result.stdout.strip().splitlines()[-1] == "f" * 60, result.stderr


def test_a_malformed_flag_is_an_error():
    result = manage("check", DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


@pytest.mark.django_db
def test_seed_demo_is_refused_outside_the_embedded_mode(settings):
    settings.EMBEDDED = False
    with pytest.raises(CommandError) as caught:
        call_command("seed_demo")
    assert "--force" in str(caught.value)
