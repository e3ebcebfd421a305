"""Pydantic field types the moderation, admin and webhook request models share.

Each one turns a value PostgreSQL or Python would later fail on (a NUL byte, a date that
overflows when moved to UTC, an id past BIGINT) into a 422 naming the field, never a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field

# PostgreSQL's BIGINT, the type of every id column.
MAX_ROW_ID = 2**63 - 1


def _utc(value: dt.datetime) -> dt.datetime:
    """Read a naive time as UTC and move an aware one to UTC, refusing one that falls off the calendar."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    try:
        return aware.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("is out of range") from None


def _without_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL")
    return value


UtcDatetime = Annotated[dt.datetime, AfterValidator(_utc)]
# The pattern tells clients (and fuzzers) what the validator enforces.
StoredText = Annotated[str, AfterValidator(_without_nul), Field(json_schema_extra={"pattern": "^[^\\x00]*$"})]
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]

# The author and request facts a comment carries, with the column sizes they are stored in: shared by
# every model that takes them (the admin dry run, the Akismet API), so their limits cannot drift apart.
AuthorName = Annotated[str, Field(max_length=245)]
AuthorEmail = Annotated[str, Field(max_length=100)]
AuthorUrl = Annotated[str, Field(max_length=200)]
ClientAddress = Annotated[str, Field(max_length=64)]
UserAgent = Annotated[str, Field(max_length=500)]


def is_row_id(value: object) -> bool:
    """Tell whether a number decoded from a cursor or path can be an id at all."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROW_ID
