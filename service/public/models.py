"""What readers and site pages get back."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PublishedComment(BaseModel):
    id: int
    parent: int | None
    author_name: str
    author_url: str
    body: str
    created_at: str
    replies: list[PublishedComment] = Field(default_factory=list)


class ThreadComments(BaseModel):
    site: str
    thread: str
    count: int
    comments: list[PublishedComment]


class CommentStatus(BaseModel):
    id: int
    status: str
    reasons: list[str]


class StatusQuery(BaseModel):
    receipt: str = Field(min_length=1, max_length=100)


class FormToken(BaseModel):
    token: str
    expires_in: int
    honeypot_field: str
