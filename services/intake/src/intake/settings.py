from datetime import timedelta

from complaints_shared.settings import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from .domain.complaints import ReceivedAtWindow


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", populate_by_name=True)

    service_name: str = "intake"
    port: int = 8001
    max_body_bytes: int = 256 * 1024
    max_email_bytes: int = 2 * 1024 * 1024
    consume_raw_topic: bool = True
    raw_consumer_group: str = "intake-raw"
    publish_timeout_seconds: float = Field(
        5.0, gt=0, le=60,
        description="How long an HTTP request waits for the broker's acknowledgement before answering 503",
    )
    idempotency_collection: str = "intake_idempotency"
    idempotency_stale_seconds: float = Field(
        30.0, gt=0, description="A claim left pending this long (its request died) is taken over by a retry"
    )
    idempotency_retention_days: int = Field(30, ge=1, description="How long a key is remembered")
    store_timeout_seconds: float = Field(3.0, gt=0, description="Bound on each idempotency-store call of a request")
    received_at_max_future_seconds: int = Field(300, ge=0, description="How far ahead of intake's clock received_at may be")
    received_at_max_age_days: int = Field(90, ge=1, description="How old a complaint's received_at may be")

    def received_at_window(self) -> ReceivedAtWindow:
        return ReceivedAtWindow(
            max_future=timedelta(seconds=self.received_at_max_future_seconds),
            max_age=timedelta(days=self.received_at_max_age_days),
        )
