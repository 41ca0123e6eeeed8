from complaints_shared.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class ArchiveSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ARCHIVE_", extra="ignore", populate_by_name=True)

    service_name: str = "archive"
    port: int = 8004
    consumer_group: str = "archive"
    max_page_size: int = 200
