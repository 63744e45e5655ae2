"""Import exports of ticketing, telephony, survey and appointment systems into a workspace."""

from karsta.ingest.errors import ImportFailed, MissingColumns
from karsta.ingest.importer import ImportReport, import_file
from karsta.ingest.mapping import (
    MappingError,
    SourceMapping,
    load_mapping_file,
    load_preset,
    preset_names,
)

__all__ = [
    "ImportFailed",
    "ImportReport",
    "MappingError",
    "MissingColumns",
    "SourceMapping",
    "import_file",
    "load_mapping_file",
    "load_preset",
    "preset_names",
]
