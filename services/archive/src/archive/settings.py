from complaints_shared.lifecycle import Role
from complaints_shared.settings import ServiceSettings
from complaints_shared.web import ApiKey
from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import SettingsConfigDict


class ArchiveSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ARCHIVE_", extra="ignore", populate_by_name=True)

    service_name: str = "archive"
    port: int = 8004
    consumer_group: str = "archive"
    max_batch: int = Field(
        20_000, ge=1, description="Most records the consumer reads, stores with bulk writes and commits at a time. Live "
        "traffic makes small batches; a backlog (a restart, a rebuild) fills them, and the larger they are the more of a "
        "case's events, read from several topics, share one write of it (docs/performance.md). Memory grows with it")
    max_page_size: int = Field(200, ge=1)
    max_skip: int = Field(100_000, ge=0, description="Deepest page offset the read API serves (narrow the filters instead)")
    read_timeout_seconds: float = Field(
        2.0, gt=0, description="Each read API request's whole store time; past it the API answers 503 (the consumer waits longer)"
    )
    rollup_recovery_after_seconds: float = Field(
        60.0, gt=0, description="Roll-up deltas a batch left pending (it stopped between writing its cases and the roll-ups) "
                                "are applied by any archive process once this old; a batch taking half this long leaves "
                                "them to that. Far beyond a batch's time")
    attachments_bucket: str = Field("attachments", description="Intake's GridFS bucket of attachments and letter scans (erasure deletes from it)")
    letter_jobs_collection: str = Field(
        "intake_letter_jobs", description="Intake's letter OCR jobs (INTAKE_LETTER_JOBS_COLLECTION; erasure deletes from it)")
    api_keys: tuple[ApiKey, ...] = Field(
        (), validation_alias=AliasChoices("COMPLAINTS_API_KEYS"),
        description="Scoped keys, a JSON list of {name, sha256, roles, ...} (the same list intake reads): any reads; "
                    "erasure needs the supervisor role. COMPLAINTS_API_KEY stays all-rights",
    )

    @field_validator("api_keys")
    @classmethod
    def _known_roles(cls, keys: tuple[ApiKey, ...]) -> tuple[ApiKey, ...]:
        # A misspelt role would never match: refuse to start rather than refuse requests.
        known = {role.value for role in Role}
        for key in keys:
            if unknown := key.roles - known:
                raise ValueError(f"key {key.name!r}: unknown roles {sorted(unknown)}")
        return keys

    def api_keys_value(self) -> tuple[ApiKey, ...]:
        return self.api_keys
