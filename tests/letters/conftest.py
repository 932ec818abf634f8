"""Shared fixtures for the letter pipeline tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from broker_audit.letters import pdf, render

from .helpers import FIXTURE_TEMPLATES


@pytest.fixture
def fixture_templates(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Use the fixture templates as if they were the shipped ones (fonts still the real ones)."""
    pdf.register_fonts()
    monkeypatch.setattr(render, "shipped_templates_dir", lambda: FIXTURE_TEMPLATES)
    render._environment.cache_clear()
    yield FIXTURE_TEMPLATES
    render._environment.cache_clear()
