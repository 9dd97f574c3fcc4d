"""Importing one batch in this process: light pass, decision, full reading of the activities to
write, and the write itself (`prepare.py` reads, `store.py` decides and writes).

With `bali import-iati --jobs N` the same steps are split between reader processes and this
one (`workers.py`); the results are the same.
"""

from __future__ import annotations

from bali.iati.parser import FileInfo, Pending
from bali.iati.prepare import BatchReader, Provenance, light_batch
from bali.iati.store import BatchResult, BatchWriter


class Importer:
    """Imports batches for one run; the writer keeps its organisation cache between batches."""

    def __init__(self, dry_run: bool = False) -> None:
        self.writer = BatchWriter(dry_run=dry_run)

    def import_batch(self, batch: list[Pending], file: FileInfo, origin: Provenance) -> BatchResult:
        light, kept = light_batch(batch)
        decision = self.writer.decide(light, file.label)
        payload = BatchReader(origin).prepare(kept, decision.codes, file)
        return self.writer.write(light, decision, payload, origin)
