"""The OpenAPI 3.1 document, assembled from the registered operations and pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic.json_schema import models_json_schema

from consult.api.http import MAX_LIMIT, OPERATIONS, PREFIX
from consult.api.schemas import COMPONENTS

REF = "#/components/schemas/{model}"
ERROR_STATUSES = {
    "400": "The cursor, limit or versions asked for are not valid.",
    "401": "The Authorization header names no active token.",
    "404": "Nothing here, or nothing the reader may see.",
    "429": "Too many requests; see Retry-After.",
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}},
    }


def _examples(path: str, example: str) -> dict[str, str]:
    """Path parameters' values in the operation's example (they name the demo's data)."""
    pattern = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(PREFIX + path))
    match = re.fullmatch(pattern, example)
    return match.groupdict() if match else {}


def document(site_name: str) -> dict[str, Any]:
    _, schemas = models_json_schema(
        [(model, "serialization") for model in COMPONENTS], ref_template=REF
    )
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        examples = _examples(op.path, op.example)
        parameters = []
        for p in op.params:
            parameter = {
                "name": p.name,
                "in": p.location,
                "required": p.required,
                "description": p.description,
                "schema": p.schema,
            }
            if p.name in examples:
                value = examples[p.name]
                parameter["example"] = int(value) if p.schema["type"] == "integer" else value
            parameters.append(parameter)
        responses: dict[str, Any] = {
            "200": {
                "description": op.summary,
                "headers": {
                    "ETag": {"schema": {"type": "string"}},
                    "Cache-Control": {"schema": {"type": "string"}},
                },
                "content": {
                    "application/json": {"schema": {"$ref": REF.format(model=op.response.__name__)}}
                },
            },
            "304": {"description": "Not modified: the If-None-Match header matched the ETag."},
        }
        responses.update({code: _error(text) for code, text in ERROR_STATUSES.items()})
        paths[PREFIX + op.path] = {
            "get": {
                "operationId": op.endpoint.removeprefix("api."),
                "summary": op.summary,
                "description": op.description,
                "tags": [op.tag],
                "parameters": parameters,
                "responses": responses,
            }
        }
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": f"{site_name} API",
            "version": "1.0.0",
            "summary": "Read-only access to drafts, comments, dispositions, reports and meetings.",
            "description": (
                "Anonymous by default: the API shows what the web pages show a visitor. A "
                "personal access token (created on your profile page) sent as "
                "`Authorization: Bearer <token>` shows what the pages show you. Lists are "
                f"paginated with opaque cursors (at most {MAX_LIMIT} items a page); answers "
                "carry an ETag for If-None-Match."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token from your profile page.",
                }
            },
        },
        "security": [{}, {"token": []}],
    }
