"""Study report: the Oxford study's headline figures reproduced from our warehouse, with plots.

``write_report(settings, out_dir, start=None, end=None) -> Path`` writes a self-contained
``index.html`` plus ``charts/*.png|svg`` and ``tables/*.csv`` and returns the index path.
"""

from likeness_watch.report.build import build_report, write_report
from likeness_watch.report.warehouse import ReportError

__all__ = ["ReportError", "build_report", "write_report"]
