from pathlib import Path

from complaints_shared.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class RoutingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ROUTING_", extra="ignore", populate_by_name=True)

    service_name: str = "routing"
    port: int = 8002
    app_id: str = "routing"
    rules_path: Path | None = None  # default: the rules that ship in routing/config/
    model_path: Path | None = None
    validity_path: Path | None = None
    calendar_path: Path | None = None
    default_phone_region: str = "CN"
    data_dir: Path = Path(".local/routing")
