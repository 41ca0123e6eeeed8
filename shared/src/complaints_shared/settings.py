"""The settings every service shares. Each service subclasses `ServiceSettings` with its own
env prefix (INTAKE_, ROUTING_, ...); the connection settings below keep their plain names
(KAFKA_BOOTSTRAP_SERVERS, MONGODB_URL, ...) so one environment serves all four services.

This module and the services' settings modules are the only places that read the environment.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _plain(name: str) -> AliasChoices:
    return AliasChoices(name)


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    service_name: str = "complaints"
    host: str = "127.0.0.1"
    port: int = 8000

    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", validation_alias=_plain("KAFKA_BOOTSTRAP_SERVERS"))
    topic_prefix: str = Field("", validation_alias=_plain("COMPLAINTS_TOPIC_PREFIX"))
    create_topics: bool = Field(True, validation_alias=_plain("COMPLAINTS_CREATE_TOPICS"))
    topic_replication_factor: int = Field(1, validation_alias=_plain("COMPLAINTS_TOPIC_REPLICATION_FACTOR"))
    mongodb_url: str = Field("mongodb://127.0.0.1:27017", validation_alias=_plain("MONGODB_URL"))
    mongodb_database: str = Field("complaints", validation_alias=_plain("MONGODB_DATABASE"))
    api_key: SecretStr | None = Field(None, validation_alias=_plain("COMPLAINTS_API_KEY"))
    stream_producer_linger_ms: int = Field(
        10, validation_alias=_plain("STREAM_PRODUCER_LINGER_MS"),
        description="Faust services: how long the producer gathers messages into one batch",
    )
    stream_stall_seconds: float = Field(
        60.0, gt=0, validation_alias=_plain("STREAM_STALL_SECONDS"),
        description="Faust services: how long an agent may wait for records its partitions hold before the worker seeks them again",
    )
    log_level: str = Field("INFO", validation_alias=_plain("LOG_LEVEL"))
    log_format: str = Field("json", validation_alias=_plain("LOG_FORMAT"), description="json or text")

    def api_key_value(self) -> str | None:
        """The bearer key the HTTP APIs admit (None when unset)."""
        return self.api_key.get_secret_value() if self.api_key else None

    def group_name(self, name: str) -> str:
        """A consumer group of this installation: prefixed like its topics, so that two
        installations sharing a broker (production and staging) never share a group."""
        return f"{self.topic_prefix}{name}"

    def topic(self, key: str) -> str:
        from .topics import BY_KEY

        return BY_KEY[key].name(self.topic_prefix)
