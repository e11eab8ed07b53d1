"""``{% quick_result_list cl %}``: Django's ``{% result_list cl %}`` with the rows written by
``workshop.admin.QuickChangeList.quick_rows`` (the same markup), Django's own otherwise."""

from django import template
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.template.defaultfilters import urlencode
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

# Django's own admin strings, translated by Django's catalogue: called through another name so
# that ``makemessages`` does not copy them into the project's. Inserted as ``{% translate %}``
# inserts them (a translation is trusted), the names and URLs escaped as ``{{ }}`` escapes them.
django_text = translation.gettext

register = template.Library()


def quick_result_list(cl):
    rows = cl.quick_rows() if hasattr(cl, "quick_rows") else None
    if rows is None:
        return admin_list.result_list(cl)
    headers = list(admin_list.result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        # One item a row: the template joins a row's items, here already joined.
        "results": [admin_list.ResultList(None, [row]) for row in rows],
    }


@register.tag(name="quick_result_list")
def quick_result_list_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=quick_result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )


@register.simple_tag(takes_context=True)
def quick_nav_apps(context):
    """The side bar's list of apps and models, the markup of Django's ``admin/app_list.html``
    included by ``admin/nav_sidebar.html`` (``show_changelinks=False``), written in one pass:
    the template costs as much as the rest of a change page's form (some ninety models, three
    ``request.path|urlencode`` a model). Compared with Django's own template in
    ``tests/workshop/test_admin_speed.py``."""
    app_list = context.get("available_apps")
    if not app_list:
        nothing = django_text("You don’t have permission to view or edit anything.")
        return format_html("\n\n\n  <p>{}</p>\n\n", nothing)
    path = urlencode(context["request"].path)
    title = django_text("Models in the %(name)s application")
    heads = [django_text(text) for text in ("Model name", "Add link", "Change or view list link")]
    add = django_text("Add")
    out = ["\n\n\n  "]
    for app in app_list:
        label = escape(app["app_label"])
        current_app = " current-app" if str(app["app_url"]) in path else ""
        out.append(
            f'\n    <div class="app-{label} module{current_app}">\n      <table>\n'
            f'        <caption>\n          <a href="{escape(app["app_url"])}" class="section" '
            f'title="{title % {"name": escape(app["name"])}}">{escape(app["name"])}</a>\n'
            '        </caption>\n        <thead class="visually-hidden">\n          <tr>\n'
            f'            <th scope="col">{heads[0]}</th>\n'
            f'            <th scope="col">{heads[1]}</th>\n'
            f'            <th scope="col">{heads[2]}</th>\n'
            "          </tr>\n        </thead>\n        "
        )
        for model in app["models"]:
            name = escape(str(model["object_name"]).lower())
            url = model["admin_url"]
            current = url is not None and str(url) in path
            out.append(
                f'\n          \n            <tr class="model-{name}'
                f'{" current-model" if current else ""}">\n'
                f'              <th scope="row" id="{label}-{name}">\n                '
            )
            if url:
                aria = ' aria-current="page"' if current else ""
                out.append(
                    f'\n                  <a href="{escape(url)}"{aria}>{escape(model["name"])}</a>'
                    "\n                "
                )
            else:
                out.append(f"\n                  {escape(model['name'])}\n                ")
            out.append("\n              </th>\n\n              ")
            if model["add_url"]:
                out.append(
                    f'\n                <td><a href="{escape(model["add_url"])}" class="addlink" '
                    f'aria-describedby="{label}-{name}">{add}</a></td>\n              '
                )
            else:
                out.append("\n                <td></td>\n              ")
            out.append("\n\n              \n            </tr>\n          \n        ")
        out.append("\n      </table>\n    </div>\n  ")
    out.append("\n\n")
    return mark_safe("".join(out))
