"""Reading routing's configuration files into the domain's typed models.

rules.yaml -> `RulesConfig`, validity.yaml -> `ValidityConfig`, calendar.yaml ->
`CalendarConfig` (`routing.domain.configuration`); rules.yaml's lexicon terms come from their
own files, lexicon/<en|ko|zh>/<category>.yaml. A file that is not YAML, holds a key the model
does not know (a misspelt one) or a lexicon term twice is a `ConfigError` naming the place.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..domain.classification.model import NgramModel
from ..domain.classification.text import script_of
from ..domain.configuration import CalendarConfig, ConfigError, RulesConfig, ValidityConfig, validated
from ..domain.normalise import normalise

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
    """rules.yaml with the terms of its lexicon files (`lexicon_dir`) in each category's lexicon."""
    path = Path(path) if path else DEFAULT_RULES
    raw = _yaml(path)
    if not isinstance(raw, dict) or "version" not in raw or "categories" not in raw:
        raise ConfigError(f"{path}: needs at least `version` and `categories`")
    if raw.get("lexicon_dir"):
        raw = _with_lexicon_files(raw, _lexicon_dir(path, str(raw["lexicon_dir"])))
    return validated(RulesConfig, raw, str(path))


LANGUAGES = {"en": "latin", "ko": "ko", "zh": "zh"}  # lexicon folder -> the script of its terms


def _lexicon_dir(rules_path: Path, lexicon_dir: str) -> Path:
    """`lexicon_dir` next to the rules file; for a candidate rules file kept elsewhere without
    one, the shipped lexicon."""
    for base in (rules_path.resolve().parent, CONFIG_DIR):
        if (base / lexicon_dir).is_dir():
            return base / lexicon_dir
    raise ConfigError(f"{rules_path}: lexicon_dir {lexicon_dir!r} is not a folder next to it")


def _with_lexicon_files(raw: dict[str, Any], folder: Path) -> dict[str, Any]:
    """`raw` with every lexicon file's terms added to its category's lexicon, tier by tier.

    Files are lexicon/<language>/<category>.yaml, each a mapping of tier -> terms. A file of an
    unknown language or category, a term in another language's folder and a term a category
    already holds (in any tier or file, compared normalised) are errors naming the file."""
    categories = {name: dict(spec or {}) for name, spec in raw["categories"].items()}
    where: dict[tuple[str, str], str] = {}  # (category, normalised term) -> where it was first
    for name, spec in categories.items():
        for tier, terms in (spec.get("lexicon") or {}).items():
            for term in terms or []:
                _claim(where, name, str(term), f"rules.yaml categories.{name}.lexicon.{tier}")
    merged = {name: {t: list(v or []) for t, v in (spec.get("lexicon") or {}).items()} for name, spec in categories.items()}
    for language_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        script = LANGUAGES.get(language_dir.name)
        if script is None:
            raise ConfigError(f"{language_dir}: not a lexicon language (one of {sorted(LANGUAGES)})")
        for file in sorted(language_dir.glob("*.yaml")):
            name = file.stem
            if name not in categories:
                raise ConfigError(f"{file}: no category {name!r} in the rules")
            tiers = _yaml(file) or {}
            if not isinstance(tiers, dict):
                raise ConfigError(f"{file}: must map tiers to lists of terms")
            for tier, terms in tiers.items():
                if not isinstance(terms, list):
                    raise ConfigError(f"{file}: {tier}: must be a list of terms")
                for term in terms:
                    term = str(term)
                    if script_of(normalise(term)) != script:
                        raise ConfigError(f"{file}: {term!r} is not a {language_dir.name} term (file it under its language)")
                    _claim(where, name, term, f"{file.relative_to(folder)} {tier}")
                    merged[name].setdefault(tier, []).append(term)
    out = dict(raw)
    del out["lexicon_dir"]
    out["categories"] = {name: {**spec, "lexicon": merged[name]} for name, spec in categories.items()}
    return out


def _claim(where: dict[tuple[str, str], str], category: str, term: str, place: str) -> None:
    """Record that `place` holds `term` for `category`; a second holder is an error."""
    key = normalise(term).strip()
    if not key:
        return
    if (category, key) in where:
        raise ConfigError(
            f"{place}: {term!r} is already a {category} term ({where[category, key]}); a term may appear once per category"
        )
    where[category, key] = place


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
