"""Pages with a JSON twin: `page(router, "/overview", ...)` serves /overview and /overview.json.

The view function returns the page's data (a pydantic model, described in the
OpenAPI schema); the JSON twin serves exactly that, and the HTML page renders it
with its template. An HTMX request (header HX-Request) gets the page's fragment
template, when it has one, instead of the whole page. A text the view words
itself (`gettext`, `localized`) is in the page's language on the page and in
English in the JSON twin.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from karsta import i18n
from karsta.web.rendering import render, request_language

F = TypeVar("F", bound=Callable[..., BaseModel])


def page(
    router: APIRouter,
    path: str,
    *,
    template: str,
    model: type[BaseModel],
    summary: str,
    fragment: str | None = None,
) -> Callable[[F], F]:
    """Return a decorator registering a view function as the page `path` and `path`.json."""

    def register(view: F) -> F:
        signature = inspect.signature(view, eval_str=True)

        def twin(**arguments: Any) -> BaseModel:
            i18n.set_language("en")  # JSON stays English, whatever the page speaks
            return view(**arguments)

        twin.__signature__ = signature  # type: ignore[attr-defined]
        twin.__name__ = view.__name__
        twin.__doc__ = view.__doc__
        router.add_api_route(
            path + ".json",
            twin,
            methods=["GET"],
            response_model=model,
            summary=f"{summary} (JSON)",
            name=f"{view.__name__}_json",
        )

        def html(page_request: Request, **arguments: Any) -> HTMLResponse:
            i18n.set_language(request_language(page_request))  # texts the view words itself
            data = view(**arguments)
            wants_fragment = fragment is not None and "hx-request" in page_request.headers
            chosen = fragment if wants_fragment and fragment else template
            return render(page_request, chosen, page=data)

        parameters = [
            inspect.Parameter("page_request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
            *(
                p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
                for p in signature.parameters.values()
            ),
        ]
        html.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=parameters, return_annotation=HTMLResponse
        )
        html.__name__ = view.__name__
        router.add_api_route(
            path,
            html,
            methods=["GET"],
            response_class=HTMLResponse,
            summary=summary,
            name=view.__name__,
        )
        return view

    return register
