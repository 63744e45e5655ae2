"""How the Spark session is set up, checked without starting one."""

from __future__ import annotations

from pathlib import Path

import pytest

from karsta.workspace.spark import java_major, spark_conf


@pytest.mark.parametrize(
    ("shown", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_292"', 8),
        ('openjdk version "11.0.2" 2019-01-15', 11),
        ("command not found", None),
    ],
)
def test_java_version_is_read_from_its_banner(shown: str, major: int | None) -> None:
    assert java_major(shown) == major


def test_local_session_is_small_quiet_and_in_utc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KARSTA_SPARK_MEMORY", raising=False)
    conf = spark_conf(tmp_path)
    assert conf["spark.master"] == "local[2]"
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert conf["spark.driver.memory"] == "4g"
    assert conf["spark.ui.enabled"] == conf["spark.ui.showConsoleProgress"] == "false"
    assert int(conf["spark.sql.shuffle.partitions"]) <= 8
    assert conf["spark.driver.bindAddress"] == "127.0.0.1"
    assert str(tmp_path / "log4j2.properties") in conf["spark.driver.extraJavaOptions"]
    monkeypatch.setenv("KARSTA_SPARK_MEMORY", "8g")
    assert spark_conf(tmp_path)["spark.driver.memory"] == "8g"
