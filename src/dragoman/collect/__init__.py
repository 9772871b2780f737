"""Collect reports from files, folders, feeds, pages and Telegram exports as Articles."""

from .canonical import (
    article_id,
    canonical_url,
    clean_line,
    clean_text,
    content_hash,
    parse_published,
    title_from_text,
)
from .discover import collect_paths, collect_url, read_file
from .feeds import collect_feeds, looks_like_feed, parse_feed, read_feed_file
from .fetch import Fetcher, FetchResult
from .files import article_from_mapping, markdown_to_text, read_jsonl, read_text_file
from .outlets import OutletResolver, name_key, slugify, telegram_handle
from .pages import html_to_text, parse_page, read_page_file
from .telegram import message_text, read_telegram_export

__all__ = [
    "FetchResult",
    "Fetcher",
    "OutletResolver",
    "article_from_mapping",
    "article_id",
    "canonical_url",
    "clean_line",
    "clean_text",
    "collect_feeds",
    "collect_paths",
    "collect_url",
    "content_hash",
    "html_to_text",
    "looks_like_feed",
    "markdown_to_text",
    "message_text",
    "name_key",
    "parse_feed",
    "parse_page",
    "parse_published",
    "read_feed_file",
    "read_file",
    "read_jsonl",
    "read_page_file",
    "read_telegram_export",
    "read_text_file",
    "slugify",
    "telegram_handle",
    "title_from_text",
]
