"""The wheel carries brokers.toml, laws.toml, agencies.toml, the templates and the font, and an
installed copy finds them away from the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_data_and_installed_copy_finds_it(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("broker_audit-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "broker_audit/_data/brokers.toml",
        "broker_audit/_data/laws.toml",
        "broker_audit/_data/agencies.toml",
        "broker_audit/_data/shared-mail-hosts.toml",
        "broker_audit/_data/templates/letters/access.txt.j2",
        "broker_audit/_data/templates/letters/es/access.txt.j2",  # the Spanish reading copies
        "broker_audit/_data/templates/letters/assets/DejaVuSerif.ttf",
        "broker_audit/locale/es/LC_MESSAGES/broker_audit.mo",  # the compiled Spanish catalog
        "broker_audit/_data/examples/demo-profile.toml",
        "broker_audit/_data/registries/ca-ag-2020.json",
        "broker_audit/_data/registries/cppa-2025.json",
        "broker_audit/_data/registries/cppa-2025.csv",
    ):
        assert needed in names, needed
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(site))
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import broker_audit.datafiles as d; print(d.data_root()); "
            "from broker_audit.registry.load import shipped_registry; "
            "print(shipped_registry().resolve('accurint').id); "
            "from broker_audit.registry.agencies import shipped_agencies; "
            "print(len(shipped_agencies().group('co-sheriffs')))",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    root, broker, sheriffs = probe.stdout.split()
    assert root == str(site / "broker_audit" / "_data")
    assert broker == "lexisnexis-risk-solutions"
    assert sheriffs == "64"
    demo = subprocess.run(
        [sys.executable, "-m", "broker_audit", "demo", "--out", "letters"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert demo.returncode == 0, demo.stderr
    # LexisNexis by mail to the Consumer Center box, its portal's sheet beside; Appriss names no
    # door: a letter to its parent, Equifax, and a complaint to the Colorado AG.
    written = sorted(p.name for p in (elsewhere / "letters").glob("*.pdf"))
    assert [n.split("-", 3)[3] for n in written] == [
        "appriss-insights-unreachable-3.pdf",
        "equifax-access-2.pdf",
        "lexisnexis-risk-solutions-access-1-web-form.pdf",
        "lexisnexis-risk-solutions-access-1.pdf",
    ]
    assert "Equifax (for Appriss Insights)" in demo.stdout
