import os
from pathlib import Path

import pytest

DATA = os.environ.get("CRYSTAL_DESIGN_DATA")


@pytest.fixture
def data_dir():
    "The local dataset folder; skips the test with a clear reason when it is not configured."
    if not DATA or not (Path(DATA) / "perov_5" / "val.csv").is_file():
        pytest.skip("needs the datasets: set CRYSTAL_DESIGN_DATA to a folder with perov_5/ and mp_20/ (CI uses ../shared/data)")
    return Path(DATA)


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    "Empty download cache and no local data folder."
    monkeypatch.setenv("CRYSTAL_DESIGN_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CRYSTAL_DESIGN_DATA", raising=False)
    return tmp_path / "cache"
