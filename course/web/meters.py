"""The dashboard's small meters (pages read, a score against the pass mark) as SVG markup built in Python
from `charts.meter`'s geometry. A dashboard draws two per module: as a Jinja macro they were a quarter of
its rendering time, ten printed and escaped values each. Hidden from screen readers, which read the
numbers printed beside them.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from . import charts


def meter(done: float, total: float, mark: float | None = None, kind: str = "pages") -> Markup:
    m = charts.meter(done, total, mark)
    fill = f'<rect class="meter-fill" x="0" y="3" width="{m.filled}" height="{m.height - 6}"/>' if m.filled > 0 else ""
    line = (
        f'<line class="meter-mark-halo" x1="{m.mark}" y1="0" x2="{m.mark}" y2="{m.height}"/>'
        f'<line class="meter-mark" x1="{m.mark}" y1="0" x2="{m.mark}" y2="{m.height}"/>'
        if m.mark is not None
        else ""
    )
    # Numbers and the escaped kind only; Markup's own format() escapes the same and is slower than the macro.
    return Markup(  # noqa: S704
        f'<svg class="meter meter-{escape(kind)}" viewBox="0 0 {m.width} {m.height}" preserveAspectRatio="none" '
        f'width="{m.width}" height="{m.height}" aria-hidden="true" focusable="false">\n'
        f'  <rect class="meter-track" x="0.5" y="3.5" width="{m.width - 1}" height="{m.height - 7}"/>\n'
        f"{fill}{line}</svg>"
    )
