"""Notice texts: Jinja2 files under notification/templates/, one per notice and language
(`acknowledgement.zh-Hans.j2`), each with a `subject` and a `body` block and, for notices a
customer may get by text message, an `sms` block. A language without its own file falls back to
English; a notice without a file of its own uses `escalated` (for escalated_*) or `generic`, in
the language if it has one. Staff notices come in the staff's language (NOTIFICATION_STAFF_LANGUAGE),
a customer's in their complaint's. Labels the templates of a language share (deadlines, rungs,
departments) are in `_labels.<language>.j2`."""

from __future__ import annotations

from functools import cache

import jinja2

DEFAULT_LANGUAGE = "en"


@cache
def environment() -> jinja2.Environment:
    # Plain text, not HTML: nothing to escape; a missing field renders empty rather than failing a notice.
    return jinja2.Environment(loader=jinja2.PackageLoader("notification", "templates"), autoescape=False, keep_trailing_newline=True)


def _template(name: str, language: str) -> jinja2.Template:
    family = "escalated" if name.startswith("escalated_") else "generic"
    candidates = [f"{name}.{language}.j2", f"{name}.{DEFAULT_LANGUAGE}.j2", f"{family}.{language}.j2", f"{family}.{DEFAULT_LANGUAGE}.j2"]
    return environment().select_template(candidates)


def render(name: str, language: str, variables: dict[str, object], block: str) -> str:
    """One block (`subject`, `body`, `sms`) of the notice `name` in `language`."""
    template = _template(name, language)
    if block not in template.blocks:
        block = "body" if block == "sms" else block
    return "".join(template.blocks[block](template.new_context(dict(variables)))).strip()
