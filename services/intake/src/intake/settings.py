from datetime import timedelta
from typing import Annotated

from complaints_shared.events import Channel
from complaints_shared.lifecycle import ACTIONS, Role
from complaints_shared.settings import ServiceSettings
from complaints_shared.web import ALL_RIGHTS, ApiKey
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

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

    api_keys: tuple[ApiKey, ...] = Field(
        (), validation_alias=AliasChoices("COMPLAINTS_API_KEYS"),
        description="Scoped keys, a JSON list of {name, sha256, roles, channels, actions}; COMPLAINTS_API_KEY stays all-rights",
    )
    archive_url: str = Field("http://127.0.0.1:8004", description="Archive, the system of record for cases' states")
    archive_api_key: SecretStr | None = Field(None, description="Bearer key for archive's read API (default: COMPLAINTS_API_KEY)")
    archive_timeout_seconds: float = Field(2.0, gt=0, le=30, description="Bound on asking archive a case's state")
    case_state_memory_seconds: float = Field(
        30.0, ge=0, le=600,
        description="How long intake remembers where an update it recorded led a case, while archive catches up",
    )

    # SMS, phone and letter channels (entrypoints/channels.py)
    twilio_auth_token: SecretStr | None = Field(None, description="Twilio's auth token: checks X-Twilio-Signature on the SMS webhook")
    public_base_url: str | None = Field(
        None, description="The URL intake is reached at from outside (e.g. https://complaints.example.com), when behind a proxy: "
        "Twilio signs the URL it called",
    )
    default_region: str = Field("CN", min_length=2, max_length=2, description="Region of phone numbers given without a country code")
    channel_patience_seconds: float = Field(
        10.0, gt=0, le=60, description="How long a repeated SMS or call delivery waits for the first one's answer"
    )
    sms_parts_wait_seconds: float = Field(
        120.0, gt=0, le=86400,
        description="How long the parts of a multi-part SMS delivered one by one wait for one another before the SMS is "
        "recorded as far as it came",
    )
    sms_parts_collection: str = "intake_sms_parts"
    max_scan_bytes: int = Field(20 * 1024 * 1024, ge=1024, description="Largest letter scan accepted")
    letter_max_pages: int = Field(20, ge=1, le=500, description="Most pages a letter scan may have")
    letter_jobs_collection: str = "intake_letter_jobs"
    letter_ocr_worker: bool = Field(True, description="Read letters (OCR) in this process")
    letter_review_below: float = Field(
        70.0, ge=0, le=100, description="OCR confidence (mean word confidence, 0-100) below which a letter needs a person's check"
    )
    letter_poll_seconds: float = Field(5.0, gt=0, description="How often the OCR worker looks for jobs other processes left")

    # E-mail: the SMTP listener (entrypoints/smtp.py) and threading replies to cases
    smtp_enabled: bool = Field(True, description="Run the SMTP listener with the HTTP app (when it has recipients)")
    smtp_host: str = Field("0.0.0.0", description="Address the SMTP listener binds")
    smtp_port: int = Field(8025, ge=0, le=65535, description="Port of the SMTP listener (0: any free port)")
    smtp_recipients: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma list of the addresses (complaints@example.com) or domains (example.com, @example.com) "
        "mail is accepted for; any other recipient gets 550 (never an open relay). Empty: no listener (it could accept nothing)",
    )
    smtp_hostname: str = Field("complaints-intake", description="The name the SMTP listener greets with")
    mail_domain: str | None = Field(
        None, description="Domain of the Message-IDs notification writes (<case.ID.N@domain>); a reply naming one "
        "of another domain is not threaded (default: any domain)",
    )
    email_patience_seconds: float = Field(
        10.0, gt=0, le=60, description="How long a repeated delivery of an e-mail waits for the first one's answer"
    )

    @field_validator("smtp_recipients", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(item.strip().lower() for item in value.split(",") if item.strip())
        return value

    @field_validator("api_keys")
    @classmethod
    def _distinct_names(cls, keys: tuple[ApiKey, ...]) -> tuple[ApiKey, ...]:
        names = [key.name for key in keys]
        if len(names) != len(set(names)):
            raise ValueError("each key needs its own name")
        if len({key.sha256.lower() for key in keys}) != len(keys):
            raise ValueError("two keys have the same sha256")
        # A misspelt right would never match: refuse to start rather than refuse requests.
        known = {
            "roles": {role.value for role in Role},
            "channels": {channel.value for channel in Channel} | {ALL_RIGHTS},
            "actions": set(ACTIONS) | {ALL_RIGHTS},
        }
        for key in keys:
            for field, allowed in known.items():
                unknown = getattr(key, field) - allowed
                if unknown:
                    raise ValueError(f"key {key.name!r}: unknown {field} {sorted(unknown)}")
        return keys

    def api_keys_value(self) -> tuple[ApiKey, ...]:
        return self.api_keys

    def archive_api_key_value(self) -> str | None:
        return self.archive_api_key.get_secret_value() if self.archive_api_key else self.api_key_value()

    def twilio_auth_token_value(self) -> str | None:
        return self.twilio_auth_token.get_secret_value() if self.twilio_auth_token else None

    def received_at_window(self) -> ReceivedAtWindow:
        return ReceivedAtWindow(
            max_future=timedelta(seconds=self.received_at_max_future_seconds),
            max_age=timedelta(days=self.received_at_max_age_days),
        )
