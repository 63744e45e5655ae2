"""Text fields of page data: English in the JSON twin, translated on the page.

The analyses return sentences as `karsta.i18n.Message` (English text that keeps its
template and arguments). A page model's `Text` field keeps the Message as it is, so
the template shows it in the reader's language (`|localized`), while the JSON twin
serialises the English text.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator


def _keep(value: Any) -> str:
    """Return a text as it is (a Message stays a Message); refuse anything else."""
    if not isinstance(value, str):
        raise ValueError("text expected")
    return value


Text = Annotated[
    str,
    PlainValidator(_keep, json_schema_input_type=str),
    PlainSerializer(str, return_type=str),
]
"""A text that pages translate and JSON keeps English."""
