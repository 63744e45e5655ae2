"""Import exports of ticketing, telephony, survey and appointment systems into a workspace."""

from karsta.ingest.errors import ImportFailed, MissingColumns
from karsta.ingest.history import StoredImport, stored_imports, write_rejects_csv
from karsta.ingest.importer import STAGES, ImportReport, import_file
from karsta.ingest.mapping import (
    MappingError,
    SourceMapping,
    load_mapping_file,
    load_preset,
    preset_names,
)
from karsta.ingest.mapping_writer import MappingDraft, mapping_yaml, save_mapping
from karsta.ingest.preview import ColumnPreview, Preview, column_values, preview_file
from karsta.ingest.proposal import MappingProposal, PresetScore, propose_mapping
from karsta.ingest.status_names import status_class_of

__all__ = [
    "STAGES",
    "ColumnPreview",
    "ImportFailed",
    "ImportReport",
    "MappingDraft",
    "MappingError",
    "MappingProposal",
    "MissingColumns",
    "PresetScore",
    "Preview",
    "SourceMapping",
    "StoredImport",
    "column_values",
    "import_file",
    "load_mapping_file",
    "load_preset",
    "mapping_yaml",
    "preset_names",
    "preview_file",
    "propose_mapping",
    "save_mapping",
    "status_class_of",
    "stored_imports",
    "write_rejects_csv",
]
