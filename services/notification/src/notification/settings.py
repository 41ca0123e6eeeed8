from pathlib import Path

from pydantic_settings import SettingsConfigDict

from complaints_shared.settings import ServiceSettings


class NotificationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_", extra="ignore", populate_by_name=True)

    service_name: str = "notification"
    port: int = 8003
    app_id: str = "notification"
    check_interval_seconds: float = 30.0
    # How long past a slipped deadline the case climbs from supervisor to manager.
    manager_after_minutes: float = 240.0
    data_dir: Path = Path(".local/notification")
