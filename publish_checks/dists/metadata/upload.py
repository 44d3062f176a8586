"""One file's core metadata as an upload sends it, read the way PyPI reads it."""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from packaging.metadata import InvalidMetadata, Metadata, RawMetadata, parse_email

from publish_checks._text import other_encoding, utf8_error
from publish_checks.dists.scan import Dist


@dataclass
class Upload:
    """One file as an upload presents it: its name, its core metadata with the values PyPI
    drops (``UNKNOWN``) dropped, and its member names."""

    dist: Dist
    raw: dict[str, Any]  # packaging's RawMetadata
    unparsed: dict[str, list[str]]
    names: Sequence[str]
    #: Why the file is not plain UTF-8, completing "<file> …" ("is not UTF-8 (byte 0xe9 on
    #: line 12, in the long description)"), or "".
    #: Its fields are then read from the text as best decoded, so that the other rules judge
    #: them and only this one names the encoding.
    not_utf8: str = ""
    not_utf8_field: str = ""  # the header it happens in; "description" for the body
    #: The fields the uploader calls malformed for the encoding alone.
    garbled: tuple[str, ...] = ()

    @classmethod
    def parse(cls, dist: Dist, data: bytes, names: Sequence[str]) -> Upload:
        not_utf8, field, text = _encoding_problem(data)
        parsed, unparsed = parse_email(data if text is None else text)
        garbled = () if text is None else tuple(k for k in parse_email(data)[1]
                                                if k not in unparsed)
        raw: dict[str, Any] = dict(parsed)
        # distutils wrote UNKNOWN for unset fields; PyPI deletes them before validating
        # (the readme check judges an UNKNOWN description itself).
        for key, value in list(raw.items()):
            last = value[-1] if isinstance(value, list) and value else value
            if isinstance(last, str) and last.strip() == "UNKNOWN" and key != "description":
                del raw[key]
        return cls(dist, raw, unparsed, names, not_utf8, field, garbled)

    @cached_property
    def metadata(self) -> Metadata:
        # validate=False: each field is validated when a rule reads it (see value()).
        return Metadata.from_raw(cast(RawMetadata, self.raw), validate=False)

    def value(self, field: str) -> tuple[Any, str | None]:
        """A field's parsed value, or None and packaging's words for why it is invalid."""
        try:
            return getattr(self.metadata, field), None
        except InvalidMetadata as e:
            return None, str(e)
        except ValueError:  # int() of a 5,000-digit version component, say
            return None, f"{field} holds a number too long to read"

    @property
    def metadata_version(self) -> str | None:
        declared = self.raw.get("metadata_version")
        return declared if isinstance(declared, str) else None


def _encoding_problem(data: bytes) -> tuple[str, str, str | None]:
    """(what is wrong, completing "<file> …"; the field it is in, "description" for the body;
    the text as best decoded) for metadata that is not plain UTF-8; ("", "", None) for UTF-8."""
    if (other := other_encoding(data)) is not None:
        return f"is {other.name} text, not UTF-8", "", data.decode(other.codec, "replace")
    if data.startswith(codecs.BOM_UTF8):  # then no header is read: the whole is a body
        return ("starts with a UTF-8 byte-order mark, so no field of it can be read", "",
                data[len(codecs.BOM_UTF8):].decode("utf-8", "replace"))
    if (where := utf8_error(data)) is None:
        return "", "", None
    text = data.decode("utf-8", "replace")
    lines = text.split("\n")[:int(where.rsplit(" ", 1)[1])]
    if not lines or any(not line.strip() for line in lines[:-1]):  # past the headers
        return f"is not UTF-8 ({where}, in the long description)", "description", text
    header = next((line for line in reversed(lines) if line[:1] not in (" ", "\t")), "")
    field = header.split(":", 1)[0].strip()
    return f"is not UTF-8 ({where}{f', in its {field} field' if field else ''})", field, text
