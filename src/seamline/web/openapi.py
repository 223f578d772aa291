"""The API's contract in one place: the one error body, and the ``responses=`` every route documents.

Every error under ``/api/`` (any route, any 4xx or 5xx, FastAPI's own validation errors, unknown paths and
methods included) has one shape, :class:`ErrorBody`::

    {"error": {"code": "invalid_situation", "message": "situation: 1 problem in the situation",
               "field": "stage"},
     "message": "situation: 1 problem in the situation",
     "problems": [{"where": "stage", "message": "got 'series_z'; expected one of: pre_seed, ..."}]}

``code`` is a stable snake_case id (:data:`STATUS_CODES` by status, or the error class's own ``code``);
``field`` is the body, query or path field at fault (null when the fault is not one field's: a body that
is not JSON, a wrong Content-Type); ``message`` is repeated at the top level and ``problems`` kept for the
readers of the first shape. The same fault has the same status on every route:

====  ===============================================================================================
400   the body is not JSON at all (``malformed_json``)
401   not signed in / 403 not allowed (accounts)
404   an unknown id or path (``not_found``); any id no decision can have, however large, is a 404
405   a method the path does not have (``method_not_allowed``; the ``Allow`` header lists those it has)
413   a body or upload over its limit, a job over its memory bound (``too_large``)
415   a body that is not ``application/json`` where JSON is read (``unsupported_media_type``), an
      upload of another type than it claims (``unsupported_upload``)
422   a well-formed request with a value that cannot be used: a schema error (``invalid_value``) or
      a rule the schema cannot express (knowledge-base ids, cross-field rules: ``invalid_situation``...)
500   a bug (``internal_error``; the details go to the server log, never to the client)
====  ===============================================================================================

A route documents what it can answer in one line::

    from seamline.web.openapi import AUTH, BY_ID, JSON_BODY, responses

    @router.get("/decisions/{decision_id}/versions", responses=responses(*BY_ID, *AUTH, ok=VersionPage))
    @router.post("/workspaces", status_code=201, responses=responses(*JSON_BODY, *AUTH, ok=(201, Workspace)))

A refusal that middleware makes before any route runs (a bad Host header, a cross-origin write, not signed
in) is declared once for every operation: ``document_everywhere(app, 403, "...", methods=("POST", ...))``.

``responses(*statuses, ok=...)`` gives each status the error model and its meaning (500 is always added);
``ok`` is the success body: a pydantic model, ``(status, model)``, ``(status, None)`` for an empty body, or
``(status, {media type: description})`` for bodies that are not JSON (a report: HTML, Markdown, DOCX,
PDF). A JSON request body that the route reads itself (bounded, see ``routes.api._json_body``) is
declared with ``openapi_extra=json_body(Model)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError

from seamline.errors import Problem, SeamlineError

if TYPE_CHECKING:
    from fastapi import FastAPI

STATUS_CODES: dict[int, str] = {
    400: "malformed_json",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_value",
    429: "too_many_requests",
    500: "internal_error",
    501: "not_available",
    503: "unavailable",
}
DESCRIPTIONS: dict[int, str] = {
    400: "The body is not JSON (malformed_json)",
    401: "Not signed in, or the API token is unknown",
    403: "Signed in, but the role in this workspace does not allow it",
    404: "No such decision (or path) in this workspace",
    405: "The path does not take this method (the Allow header lists those it takes)",
    409: "The request conflicts with the current state",
    413: "The body or upload is over its limit, or the work over its memory bound",
    415: "The body is not of a media type this route reads",
    422: "A value that cannot be used; error.field names it",
    500: "An internal error (a bug); the details are in the server log",
    501: "Not available in this installation",
}
# Statuses shared by kinds of route (a route adds its own):
JSON_BODY = (400, 413, 415, 422)  # reads a JSON body
BY_ID = (404, 422)  # takes an id in its path (422: not a whole number)
AUTH = (401, 403)  # needs an account (signed in, with a role in the workspace)
# Fields that are no body, query or path field: an error about them names no ``field``.
NOT_FIELDS = frozenset({"", "body", "request", "(top level)", "Content-Type"})


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, one sentence, and the field at fault (or null)."""

    code: str = Field(description="A stable snake_case id of the fault, e.g. not_found, invalid_situation")
    message: str = Field(description="One sentence: what, where and what was expected")
    field: str | None = Field(description="The body, query or path field at fault (dotted), or null")


class ProblemItem(BaseModel):
    where: str = Field(description="The field path (or part of the request) the problem is in")
    message: str


class ErrorBody(BaseModel):
    """Every error the API answers (4xx and 5xx)."""

    error: ErrorDetail
    message: str = Field(description="The same as error.message (kept for the first readers)")
    problems: list[ProblemItem] = Field(description="Every problem found, each with its field")


def code_of(exc: SeamlineError, status: int) -> str:
    """The error's stable code: its class's own ``code`` when it has one, else the status's."""
    own = getattr(exc, "code", None)
    if isinstance(own, str) and own:
        return own
    return STATUS_CODES.get(status, "internal_error" if status >= 500 else "invalid_value")


def field_of(exc: SeamlineError) -> str | None:
    """The field the first problem names, or None when that is no body, query or path field."""
    explicit = getattr(exc, "field", None)
    if isinstance(explicit, str):
        return explicit
    for problem in exc.problems:
        where = problem.where.strip()
        if where in NOT_FIELDS or where.startswith("body:"):
            return None
        for prefix in ("query.", "path.", "header."):
            if where.startswith(prefix):
                return where[len(prefix) :]
        return where.rsplit(": ", 1)[-1]  # "situation: costs.rates" -> "costs.rates"
    return None


def error_body(exc: SeamlineError, status: int) -> dict[str, Any]:
    """The JSON body of an API error (see :class:`ErrorBody`)."""
    return {
        "error": {"code": code_of(exc, status), "message": exc.message, "field": field_of(exc)},
        "message": exc.message,
        "problems": [{"where": p.where, "message": p.message} for p in exc.problems],
    }


def responses(
    *statuses: int, ok: Any = None, gives: Mapping[str, str] | None = None
) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: each error status with :class:`ErrorBody` (500 always), and the
    success body ``ok`` (see the module docstring). ``gives`` (``{"decision_id": "/id"}``): the success
    body carries that path parameter at that JSON pointer; :func:`install` links the response to every
    operation taking it (OpenAPI links: how a client, or schemathesis, goes on from a created resource)."""
    out: dict[int | str, dict[str, Any]] = {}
    if ok is not None:
        status, body = ok if isinstance(ok, tuple) else (200, ok)
        if body is None:
            out[status] = {"description": "Done (no body)"}
        elif isinstance(body, Mapping):
            out[status] = {
                "description": "; ".join(f"{media}: {what}" for media, what in body.items()),
                "content": {media: {"schema": {"type": "string", "format": "binary"}} for media in body},
            }
        else:
            out[status] = {"model": body, "description": (body.__doc__ or "").strip().split("\n")[0]}
        if gives:
            out[status][GIVES] = dict(gives)
    for status in sorted({*statuses, 500}):
        out[status] = {"model": ErrorBody, "description": DESCRIPTIONS.get(status, "An error")}
    return out


def json_body(model: type[BaseModel] | str, *, example: Any = None, required: bool = True) -> dict[str, Any]:
    """``openapi_extra`` declaring a JSON request body of ``model`` (a pydantic model, or the name of a
    schema in the spec's components, such as ``Situation``) for a route that reads its body itself."""
    name = model if isinstance(model, str) else model.__name__
    media: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{name}"}}
    if example is not None:
        media["example"] = example
    return {"requestBody": {"required": required, "content": {"application/json": media}}}


class BodyError(SeamlineError):
    """A JSON body that does not fit its declared schema (a wrong type, a missing or unknown field)."""

    status = 422
    code = "invalid_value"


def validate_body(model: type[BaseModel], data: Any, prefix: str = "") -> Any:
    """``data`` checked against ``model``, a flat body (see ``api_models``), strictly (a number is no
    string), with no field sent as null; a :class:`BodyError` naming every field at fault otherwise.
    ``prefix`` is put before each field's name."""
    problems: dict[str, Problem] = {}
    value = None
    try:
        value = model.model_validate(data, strict=True)
    except ValidationError as exc:
        for err in exc.errors():
            loc = err.get("loc", ())
            if len(loc) > 1 and loc[-1] == "none":
                continue  # the null branch of an optional field: its other branch says what was expected
            problem = _problem(model, err, prefix)
            problems.setdefault(problem.where, problem)
    if value is not None:
        for name in sorted(value.model_fields_set):
            if getattr(value, name) is None:
                where = prefix + name
                problems[where] = Problem(where, "got null; leave the field out instead")
    if problems:
        first = next(iter(problems.values()))
        raise BodyError(f"{first.where}: {first.message}", list(problems.values()))
    return value


def _problem(model: type[BaseModel], err: Mapping[str, Any], prefix: str) -> Problem:
    loc: Sequence[Any] = err.get("loc", ())
    where = prefix + str(loc[0]) if loc else (prefix.rstrip(".") or "body")
    kind = str(err.get("type", ""))
    value = err.get("input")
    ctx = err.get("ctx") or {}
    allowed = ", ".join(model.model_fields)
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    got = names.get(type(value), f"a {type(value).__name__.replace('float', 'number')}")
    got = "a whole number" if isinstance(value, int) and not isinstance(value, bool) else got
    messages = {
        "missing": "required field is missing",
        "extra_forbidden": f"unknown field; allowed: {allowed}",
        "string_type": f"got {got}; expected a string",
        "dict_type": f"got {got}; expected an object",
        "model_type": f"got {got}; expected an object",
        "string_too_short": f"expected at least {ctx.get('min_length')} character(s)",
        "string_too_long": f"expected at most {ctx.get('max_length')} characters",
        "string_pattern_mismatch": "expected some text besides spaces, and no NUL character",
    }
    return Problem(where, messages.get(kind, str(err.get("msg", "not valid"))))


def install(app: FastAPI, extra: Callable[[], dict[str, Any]]) -> None:
    """Build the app's spec with the component schemas ``extra()`` gives (those that request bodies
    declared with :func:`json_body` refer to), and make sure every error response of every operation
    under ``/api/`` is declared with :class:`ErrorBody` (FastAPI's own ``HTTPValidationError`` is not what
    the API answers, so it is replaced) and that 500 is declared."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schemas = spec.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(extra())
            error = ErrorBody.model_json_schema(ref_template=_REF)
            for name, schema in {**error.pop("$defs", {}), "ErrorBody": error}.items():
                schemas.setdefault(name, schema)
            everywhere: list[tuple[int, str, frozenset[str] | None]] = getattr(app.state, _EVERYWHERE, [])
            for path, operations in spec.get("paths", {}).items():
                if path.startswith("/api/"):
                    for method, operation in operations.items():
                        declared = operation.setdefault("responses", {})
                        for status, description, methods in everywhere:
                            if methods is None or method.upper() in methods:
                                declared.setdefault(str(status), {"description": description})
                        _error_responses(declared)
            _links(spec)
            schemas.pop("HTTPValidationError", None)
            schemas.pop("ValidationError", None)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def document_everywhere(
    app: FastAPI, status: int, description: str, methods: Sequence[str] | None = None
) -> None:
    """Declare ``status`` on every operation under ``/api/`` (of ``methods`` only, when given): for a
    refusal that middleware makes before any route runs (a bad Host header, a cross-origin write, no
    session when accounts are on). Call before the spec is first built (in the app factory)."""
    entries: list[tuple[int, str, frozenset[str] | None]] = getattr(app.state, _EVERYWHERE, [])
    chosen = frozenset(m.upper() for m in methods) if methods is not None else None
    setattr(app.state, _EVERYWHERE, [*entries, (status, description, chosen)])


_EVERYWHERE = "openapi_everywhere"
_REF = "#/components/schemas/{model}"
GIVES = "x-gives"  # a success response's {path parameter: JSON pointer}, made into links by install
_ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}


def _error_responses(declared: dict[str, Any]) -> None:
    declared.setdefault("500", {"description": DESCRIPTIONS[500]})
    for status, response in declared.items():
        if status[:1] in ("4", "5"):
            response["content"] = _ERROR_CONTENT
            if response.get("description") in (None, "", "Validation Error"):
                response["description"] = DESCRIPTIONS.get(int(status), "An error")


def _links(spec: dict[str, Any]) -> None:
    """Each response marked with :data:`GIVES` linked to every operation on what it gives: the paths under
    its collection that take that parameter (``POST /decisions`` -> ``/decisions/{decision_id}/...``; the
    trash's ``/trash/{decision_id}`` takes the id of a deleted decision, not of a created one)."""
    paths = spec.get("paths", {})
    for source, operations in paths.items():
        collection = source.split("/{", 1)[0]
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                gives = response.pop(GIVES, None)
                for param, pointer in (gives or {}).items():
                    links = response.setdefault("links", {})
                    for path, targets in paths.items():
                        if not path.startswith(f"{collection}/{{{param}}}"):
                            continue
                        for target in targets.values():
                            links[target["operationId"]] = {
                                "operationId": target["operationId"],
                                "parameters": {param: f"$response.body#{pointer}"},
                            }
