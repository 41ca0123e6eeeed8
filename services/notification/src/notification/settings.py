from datetime import time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from complaints_shared.events import Language
from complaints_shared.settings import ServiceSettings
from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from .domain.ladder import DEFAULT_LADDER_FILE


class NotificationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_", extra="ignore", populate_by_name=True)

    service_name: str = "notification"
    port: int = 8003
    app_id: str = "notification"
    # The timers fire from an in-memory schedule, not a scan; this is only how often the timer
    # task looks at whether the worker is (still) ready when nothing is due sooner.
    check_interval_seconds: float = 1.0
    # The escalation ladder per department and priority (see config/ladder.yaml).
    ladder_file: Path = DEFAULT_LADDER_FILE
    # The business calendar the ladder's `after_business` rungs count working time in: a file
    # shaped like routing's calendar.yaml (its calendar keys are read; the SLA table is not).
    calendar_file: Path | None = None
    # The daily digest per department: local time ("08:00") and time zone; none: no digest.
    digest_at: str | None = None
    digest_timezone: str = "UTC"
    data_dir: Path = Path(".local/notification")

    # Where notices go: any of log, webhook, email, sms (NOTIFICATION_CHANNELS='["log","email"]').
    # Staff notices go through log, webhook and email; a customer's through email or sms.
    channels: list[Literal["log", "webhook", "email", "sms"]] = ["log"]
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None  # signs each body (X-Complaints-Signature)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "complaints@localhost"
    # The domain of the Message-IDs of our mails (intake threads replies by it); default: mail_from's.
    mail_domain: str | None = None
    # Role → address, e.g. {"department:quality": "quality@corp.example", "supervisor": "sup@corp.example"}
    role_addresses: dict[str, str] = {}
    default_address: str | None = None
    # SMS gateway: "twilio" (the Messages API) or "json"; url is the API's base (twilio) or the endpoint (json).
    sms_gateway: Literal["twilio", "json"] = "twilio"
    sms_url: str | None = None
    sms_account: str | None = None
    sms_token: SecretStr | None = None
    sms_from: str = "complaints"
    # The language of staff notices (escalations, approval requests, digests, ...): the company's,
    # not the customer's, whose notices follow their complaint. One of en, zh-Hans, zh-Hant, ko;
    # staff_languages overrides it per department ('{"logistics": "ko"}').
    staff_language: str = Language.EN.value
    staff_languages: dict[str, str] = {}
    # Where staff open a case (approval requests, escalations): {case_id} is filled in.
    case_link: str = "http://127.0.0.1:8000/v1/cases/{case_id}"

    delivery_attempts: int = 3  # tries in a row before a delivery is kept for later
    # A delivery that failed is retried after retry_first_seconds, doubling up to retry_max_seconds,
    # until give_up_after_hours; each failed round is published as NotificationFailed.
    retry_first_seconds: float = 30.0
    retry_max_seconds: float = 900.0
    give_up_after_hours: float = 48.0

    @field_validator("staff_language")
    @classmethod
    def _staff_language(cls, value: str) -> str:
        return _language("NOTIFICATION_STAFF_LANGUAGE", value)

    @field_validator("staff_languages")
    @classmethod
    def _staff_languages(cls, value: dict[str, str]) -> dict[str, str]:
        return {department: _language(f"NOTIFICATION_STAFF_LANGUAGES[{department!r}]", language) for department, language in value.items()}

    @model_validator(mode="after")
    def _digest_time(self) -> "NotificationSettings":
        if self.digest_at is not None:
            try:
                time.fromisoformat(self.digest_at)
            except ValueError:
                raise ValueError(f"NOTIFICATION_DIGEST_AT: {self.digest_at!r} is not a time of day such as 08:00") from None
        try:
            ZoneInfo(self.digest_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"NOTIFICATION_DIGEST_TIMEZONE: no time zone {self.digest_timezone!r}") from None
        return self

    @model_validator(mode="after")
    def _channels_configured(self) -> "NotificationSettings":
        if "webhook" in self.channels and not self.webhook_url:
            raise ValueError("NOTIFICATION_WEBHOOK_URL is required when notices go to a webhook")
        if "email" in self.channels and not (self.role_addresses or self.default_address):
            raise ValueError("NOTIFICATION_ROLE_ADDRESSES or NOTIFICATION_DEFAULT_ADDRESS is required for e-mail notices")
        if "sms" in self.channels and not self.sms_url:
            raise ValueError("NOTIFICATION_SMS_URL is required when notices go by SMS")
        if "sms" in self.channels and self.sms_gateway == "twilio" and not (self.sms_account and self.sms_token):
            raise ValueError("NOTIFICATION_SMS_ACCOUNT and NOTIFICATION_SMS_TOKEN are required for a Twilio-compatible gateway")
        return self

    @property
    def message_id_domain(self) -> str:
        return self.mail_domain or self.mail_from.rpartition("@")[2] or "localhost"


def _language(variable: str, value: str) -> str:
    """The language tag as the templates spell it (zh-hans → zh-Hans); an unknown one is refused."""
    known = {language.value.casefold(): language.value for language in Language}
    if (tag := known.get(value.strip().casefold())) is None:
        raise ValueError(f"{variable}: {value!r} is not one of {', '.join(known.values())}")
    return tag
