"""What the Akismet-compatible API accepts; the same models validate the form and describe it in /openapi.json.

Akismet clients send many more fields (`blog_lang`, `is_test`, `comment_date_gmt`, ...); they are
accepted and ignored. Every field is a form string, as Akismet's own API takes them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from service.edge.fields import AuthorEmail, AuthorName, AuthorUrl, ClientAddress, StoredText, UserAgent


class AkismetKey(BaseModel):
    """`/1.1/verify-key`: the site key, as `key` or as `api_key`."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{"key": "sift_site_example"}]})

    key: str = Field("", max_length=200, description="A site API key (`sift keys create --site SITE`).")
    api_key: str = Field("", max_length=200, description="The same key under Akismet's other name for it.")
    blog: str = Field("", max_length=2000, description="The site's front page (accepted, not checked).")


class AkismetComment(AkismetKey):
    """`/1.1/comment-check`, `/1.1/submit-spam`, `/1.1/submit-ham`: a comment in Akismet's field names."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"key": "sift_site_example", "comment_content": "Cheap watches at http://a.example"}]
        }
    )

    comment_content: StoredText = Field(max_length=65_525)
    comment_author: AuthorName = ""
    comment_author_email: AuthorEmail = ""
    comment_author_url: AuthorUrl = ""
    comment_type: str = Field("", max_length=64)
    user_ip: ClientAddress = ""
    user_agent: UserAgent = ""
    referrer: str = Field("", max_length=2000)
    permalink: str = Field("", max_length=500)
