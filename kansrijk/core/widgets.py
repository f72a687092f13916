"""The form renderer: Django's inputs, selects and radio and checkbox lists written in Python.

Through the templates (kansrijk/templates/django/forms/widgets/, themselves already
written without their per-option includes) the signal form's six widgets, a select of 60
pupils and two radio lists, were about a third of its CPU (issue 17). The HTML is byte for
byte the templates' (`tests/core/test_select_widget.py` holds it equal to Django's own
renderer for every kind of widget, hostile attributes included); a widget whose options use
a template of their own is rendered by its template, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import TemplatesSetting
from django.utils.html import escape
from django.utils.safestring import SafeData

from kansrijk.core.html_text import shown

WIDGETS = "django/forms/widgets/"
#: Django's templates that are only `{% include "django/forms/widgets/input.html" %}`.
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in [
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    ]
)
LISTS = frozenset({f"{WIDGETS}radio.html", f"{WIDGETS}checkbox_select.html"})
OPTIONS = frozenset({f"{WIDGETS}radio_option.html", f"{WIDGETS}checkbox_option.html"})


def _s(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the value as text, escaped unless it is safe."""
    written = "%s" % (str(value) if isinstance(value, tuple) else value)
    return written if isinstance(value, SafeData) else str(escape(written))


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {shown(name)}" if value is True else f' {shown(name)}="{_s(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    written = f' value="{_s(value)}"' if value is not None else ""
    return (
        f'<input type="{shown(widget["type"])}" name="{shown(widget["name"])}"{written}'
        f"{_attrs(widget['attrs'])}>"
    )


def _select(widget: dict[str, Any]) -> str | None:
    html = [f'<select name="{shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group, options, _index in widget["optgroups"]:
        if group:
            html.append(f'\n  <optgroup label="{shown(group)}">')
        for option in options:
            if option["template_name"] != f"{WIDGETS}select_option.html":
                return None
            html.append(
                f'\n  <option value="{_s(option["value"])}"{_attrs(option["attrs"])}>'
                f"{shown(option['label'])}</option>\n"
            )
        if group:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


def _list(widget: dict[str, Any]) -> str | None:
    attrs = widget["attrs"]
    html = [
        "<div",
        f' id="{shown(attrs["id"])}"' if attrs.get("id") else "",
        f' class="{shown(attrs["class"])}"' if attrs.get("class") else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            html.append(f"\n  <div><label>{shown(group)}</label>")
        for option in options:
            if option["template_name"] not in OPTIONS:
                return None
            wrap, option_id = option["wrap_label"], option["attrs"].get("id")
            label = f" {shown(option['label'])}</label>" if wrap else ""
            html.append(
                "<div>\n    "
                + (f'<label for="{shown(option_id)}">' if wrap and option_id else "")
                + ("<label>" if wrap and not option_id else "")
                + _input(option)
                + f"\n{label}\n\n</div>"
            )
        if group:
            html.append("\n  </div>")
    html.append("\n</div>")
    return "".join(html)


WRITERS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    **dict.fromkeys(INPUTS, _input),
    **dict.fromkeys(LISTS, _list),
    f"{WIDGETS}select.html": _select,
}


class Renderer(TemplatesSetting):
    """The project's templates (FORM_RENDERER), with the common widgets written in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = WRITERS.get(template_name)
        written = write(context["widget"]) if write is not None else None
        if written is None:
            return str(super().render(template_name, context, request))
        return written
