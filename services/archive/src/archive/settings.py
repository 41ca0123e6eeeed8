from complaints_shared.settings import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class ArchiveSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ARCHIVE_", extra="ignore", populate_by_name=True)

    service_name: str = "archive"
    port: int = 8004
    consumer_group: str = "archive"
    max_batch: int = Field(2000, ge=1, description="Records the consumer reads, stores with bulk writes and commits at a time")
    max_page_size: int = Field(200, ge=1)
    max_skip: int = Field(100_000, ge=0, description="Deepest page offset the read API serves (narrow the filters instead)")
    read_timeout_seconds: float = Field(
        2.0, gt=0, description="Each read API request's whole store time; past it the API answers 503 (the consumer waits longer)"
    )
