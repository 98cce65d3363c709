"""Writes worker.log: a real Python logging run with a repeated INFO line, a warning, and a
real exception with its traceback (logger.exception). Re-run to regenerate."""

import logging
from pathlib import Path

path = Path(__file__).with_name("worker.log")
handler = logging.FileHandler(path, mode="w")
handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
log = logging.getLogger("worker")
log.addHandler(handler)
log.setLevel(logging.INFO)

for job in range(400):
    log.info("job %d done in %d ms, queue depth %d", job, 10 + job % 37, job % 5)
    if job == 250:
        log.warning("slow disk: fsync took %d ms", 912)
    if job == 333:
        try:
            {}["customer_id"]
        except KeyError:
            log.exception("job %d failed while loading the invoice", job)
handler.close()
