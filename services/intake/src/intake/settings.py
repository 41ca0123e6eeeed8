from complaints_shared.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", populate_by_name=True)

    service_name: str = "intake"
    port: int = 8001
    max_body_bytes: int = 256 * 1024
    max_email_bytes: int = 2 * 1024 * 1024
    consume_raw_topic: bool = True
    raw_consumer_group: str = "intake-raw"
