"""The `jxc` command: first start, demo data, checks, users; and a real server started the way `make run` does."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from jxc.accounts.models import Company, User
from jxc.catalog.models import Barcode, Category, Product, ProductUnit
from jxc.cli import main
from jxc.inventory.models import Location, Warehouse
from jxc.partners.models import Partner

JXC = str(Path(sys.executable).with_name("jxc"))


def test_jxc_without_arguments_lists_the_commands(capsys):
    main([])
    out = capsys.readouterr().out
    assert "serve" in out and "createuser" in out and "audit-verify" in out


def test_first_start_creates_the_company_the_owner_and_the_demo_once(db, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("JXC_OWNER_PASSWORD", raising=False)
    with override_settings(STATIC_ROOT=tmp_path / "static"):
        call_command("setup")
    out = capsys.readouterr().out
    password = re.search(r"Owner login: owner / (\S+)", out).group(1)
    owner = User.objects.get(username="owner")
    assert owner.check_password(password) and owner.role_codes == ["owner"]
    assert Company.objects.get().demo_loaded_at is not None
    assert Product.objects.count() == 200
    assert Partner.objects.filter(is_supplier=True, is_customer=False).count() == 10
    assert Partner.objects.filter(is_customer=True).exclude(code="RETAIL").count() == 50  # + the walk-in customer
    assert Warehouse.objects.filter(is_transit=False).count() == 2
    assert Location.objects.filter(warehouse__is_transit=False).count() == 16
    assert set(Category.objects.filter(parent=None).values_list("name", flat=True)) == {
        "方便面",
        "饮料",
        "零食",
        "日化",
        "粮油",
    }
    assert ProductUnit.objects.filter(unit__name="箱").count() > 150  # boxes
    assert ProductUnit.objects.filter(unit__name="提").exists()  # and packs
    assert Barcode.objects.filter(unit__name="箱").exists()
    assert User.objects.get(username="cangguan").scoped_warehouses.get().code == "MAIN"
    assert User.objects.get(username="xiaoshou").check_password(password)
    # opening stock (期初), a transfer to the shop, a scrap and a finished count
    from jxc.inventory.models import StockCount, StockDocument

    kinds = sorted((d.kind, d.reason, d.status) for d in StockDocument.objects.all())
    assert kinds == [
        ("issue", "scrap", "posted"),
        ("receipt", "opening", "posted"),
        ("receipt", "opening", "posted"),
        ("transfer", "", "posted"),
    ]
    assert StockCount.objects.get().status == "posted"
    # a second start changes nothing and prints no password
    with override_settings(STATIC_ROOT=tmp_path / "static"):
        call_command("setup")
    again = capsys.readouterr().out
    assert "Owner login" not in again and Product.objects.count() == 200
    call_command("jxc_check")
    assert "OK" in capsys.readouterr().out


def test_the_owner_password_can_come_from_the_environment(db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JXC_OWNER_PASSWORD", "Given-Pass-2026")
    with override_settings(STATIC_ROOT=tmp_path / "static"):
        call_command("setup", no_demo=True)
    assert "Given-Pass-2026" not in capsys.readouterr().out
    assert User.objects.get(username="owner").check_password("Given-Pass-2026")
    assert not Product.objects.exists()


def test_createuser(db, capsys):
    call_command("createuser", "zhou", "--role", "sales", "--role", "cashier", "--name", "周婷")
    out = capsys.readouterr().out
    assert "Password (shown once)" in out
    assert User.objects.get(username="zhou").role_codes == ["cashier", "sales"]
    with pytest.raises(CommandError, match="duplicate"):
        call_command("createuser", "ZHOU", "--role", "sales")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_real_server_serves_pages_and_static_files(tmp_path):
    """`jxc setup` then `jxc serve` on a fresh SQLite file, as `make run` does (without the demo, for speed)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(JXC_VAR_DIR=str(tmp_path), JXC_OWNER_PASSWORD="Start-Pass-2026", JXC_DEMO="0")
    subprocess.run([JXC, "setup"], env=env, check=True, capture_output=True, timeout=180)
    assert (tmp_path / "jxc.sqlite3").exists() and (tmp_path / "static" / "staticfiles.json").exists()
    port = _free_port()
    server = subprocess.Popen(
        [JXC, "serve", "--no-setup", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not start")
        with urllib.request.urlopen(f"{base}/login/") as response:
            page = response.read().decode()
            assert response.headers["Server"].startswith("jxc") or "waitress" in response.headers.get("Server", "")
        css = re.search(r'href="(/static/jxc/app\.[0-9a-f]+\.css)"', page).group(1)  # hashed name: cacheable forever
        with urllib.request.urlopen(f"{base}{css}") as response:
            assert response.status == 200 and "max-age" in response.headers["Cache-Control"]
        with (tmp_path / "jxc.sqlite3").open("rb"):
            pass
        journal = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sqlite3;print(sqlite3.connect(r'{tmp_path / 'jxc.sqlite3'}').execute('pragma journal_mode').fetchone()[0])",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        assert journal.stdout.strip() == "wal"
    finally:
        server.terminate()
        server.wait(timeout=10)
