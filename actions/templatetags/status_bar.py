"""``{% status_bar counts %}``: a progress bar, rendered by Jinja2 (see ``pimtracker.jinja2``).

The dashboard draws one for every area and every organisation, and a Django ``include``
each cost more than the bar itself: in Jinja2 the dashboard at 100k went from 152 to 142
M instructions (``python -m bench.instructions``)."""

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

from actions.progress import StatusCounts

register = template.Library()


@register.simple_tag
def status_bar(counts: StatusCounts) -> SafeString:
    bar = engines["jinja2"].get_template("actions/_bar.html")
    return mark_safe(bar.render({"counts": counts}))  # noqa: S308 - Jinja2 escaped every value
