"""Reading routing's configuration files into the domain's typed models.

rules.yaml -> `RulesConfig`, validity.yaml -> `ValidityConfig`, calendar.yaml ->
`CalendarConfig` (`routing.domain.configuration`). A file that is not YAML, or holds a key the
model does not know (a misspelt one), is a `ConfigError` naming the file and the key.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..domain.classification.model import NgramModel
from ..domain.configuration import CalendarConfig, ConfigError, RulesConfig, ValidityConfig, validated

__all__ = ["CONFIG_DIR", "load_model_file", "read_calendar", "read_rules", "read_validity"]

CONFIG_DIR = Path(__file__).resolve().parents[1] / "config"
DEFAULT_RULES = CONFIG_DIR / "rules.yaml"
DEFAULT_VALIDITY = CONFIG_DIR / "validity.yaml"
DEFAULT_CALENDAR = CONFIG_DIR / "calendar.yaml"
DEFAULT_MODEL = CONFIG_DIR / "category_model.json"


def _yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def read_rules(path: str | Path | None = None) -> RulesConfig:
    path = Path(path) if path else DEFAULT_RULES
    raw = _yaml(path)
    if not isinstance(raw, dict) or "version" not in raw or "categories" not in raw:
        raise ConfigError(f"{path}: needs at least `version` and `categories`")
    return validated(RulesConfig, raw, str(path))


def read_validity(path: str | Path | None = None) -> ValidityConfig:
    if path is None:
        return _shipped_validity()  # read once per process: every default judge shares it
    return validated(ValidityConfig, _yaml(Path(path)), str(path))


@lru_cache(maxsize=1)
def _shipped_validity() -> ValidityConfig:
    return validated(ValidityConfig, _yaml(DEFAULT_VALIDITY), str(DEFAULT_VALIDITY))


def read_calendar(path: str | Path | None = None) -> CalendarConfig:
    # read once per path and process, as before the typed models
    return _read_calendar(str(Path(path) if path else DEFAULT_CALENDAR))


@lru_cache(maxsize=8)
def _read_calendar(path: str) -> CalendarConfig:
    return validated(CalendarConfig, _yaml(Path(path)), path)


def load_model_file(path: str | Path | None = None) -> NgramModel | None:
    """The category model's JSON artefact (default: the shipped one), or None if there is none."""
    path = Path(path) if path else DEFAULT_MODEL
    return NgramModel.load(path) if path.exists() else None
