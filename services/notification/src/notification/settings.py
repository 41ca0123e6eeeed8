from pathlib import Path
from typing import Literal

from complaints_shared.settings import ServiceSettings
from pydantic import SecretStr, model_validator
from pydantic_settings import SettingsConfigDict


class NotificationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_", extra="ignore", populate_by_name=True)

    service_name: str = "notification"
    port: int = 8003
    app_id: str = "notification"
    check_interval_seconds: float = 30.0
    # How long past a slipped deadline the case climbs from supervisor to manager.
    manager_after_minutes: float = 240.0
    data_dir: Path = Path(".local/notification")

    # Where notices go: any of log, webhook, email (NOTIFICATION_CHANNELS='["log","email"]').
    channels: list[Literal["log", "webhook", "email"]] = ["log"]
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None  # signs each body (X-Complaints-Signature)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "complaints@localhost"
    # Role → address, e.g. {"department:quality": "quality@corp.example", "supervisor": "sup@corp.example"}
    role_addresses: dict[str, str] = {}
    default_address: str | None = None
    delivery_attempts: int = 3

    @model_validator(mode="after")
    def _channels_configured(self) -> "NotificationSettings":
        if "webhook" in self.channels and not self.webhook_url:
            raise ValueError("NOTIFICATION_WEBHOOK_URL is required when notices go to a webhook")
        if "email" in self.channels and not (self.role_addresses or self.default_address):
            raise ValueError("NOTIFICATION_ROLE_ADDRESSES or NOTIFICATION_DEFAULT_ADDRESS is required for e-mail notices")
        return self
