"""Route templates match as the host's ASP.NET routing does."""

from __future__ import annotations

import pytest

from devhost.http.routes import RouteTable, RouteTemplateError, parse_template


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("runs/{run_id}", "runs/abc", {"run_id": "abc"}),
        ("runs/{run_id}", "RUNS/abc/", {"run_id": "abc"}),
        ("runs/{run_id}", "runs/a/b", None),
        ("runs/{run_id}", "runs", None),
        ("items/{id:int}", "items/42", {"id": "42"}),
        ("items/{id:int}", "items/x", None),
        ("items/{id:int}", "items/99999999999", None),
        ("items/{id:long}", "items/99999999999", {"id": "99999999999"}),
        ("items/{id:int:min(10)}", "items/9", None),
        ("items/{id:range(1,5)}", "items/5", {"id": "5"}),
        (
            "items/{id:guid}",
            "items/7d444840-9dc0-11d1-b245-5ffdce74fad2",
            {"id": "7d444840-9dc0-11d1-b245-5ffdce74fad2"},
        ),
        ("items/{name:alpha}", "items/abc1", None),
        ("items/{flag:bool}", "items/True", {"flag": "True"}),
        ("items/{code:regex(^[a-z]+$)}", "items/ab", {"code": "ab"}),
        ("items/{name:length(2,3)}", "items/abcd", None),
        ("files/{*path}", "files/a/b/c.txt", {"path": "a/b/c.txt"}),
        ("files/{*path}", "files", {}),
        ("a/{x?}", "a", {}),
        ("a/{x?}", "a/1", {"x": "1"}),
        ("a/{x=7}", "a", {"x": "7"}),
        ("f/{name}.{ext}", "f/report.csv", {"name": "report", "ext": "csv"}),
        ("", "", {}),
    ],
)
def test_template_matching(template: str, path: str, expected: dict[str, str] | None) -> None:
    assert parse_template(template).match(path) == expected


@pytest.mark.parametrize("template", ["a/{x:nosuch}", "{*rest}/tail", "a//b", "a/{x}/{X}", "a/{1x}"])
def test_bad_templates_are_refused(template: str) -> None:
    with pytest.raises(RouteTemplateError):
        parse_template(template)


def test_table_prefers_literals_and_filters_methods() -> None:
    table = RouteTable(
        [
            ("runs/{run_id}", ["GET"], "get_run"),
            ("runs/latest", [], "latest"),
            ("runs/{run_id}", ["POST"], "post_run"),
            ("{*any}", [], "fallback"),
        ]
    )
    assert table.resolve("runs/latest", "GET") == ("latest", {})
    assert table.resolve("runs/7", "get") == ("get_run", {"run_id": "7"})
    assert table.resolve("runs/7", "POST") == ("post_run", {"run_id": "7"})
    assert table.resolve("runs/7", "DELETE") == ("fallback", {"any": "runs/7"})
    assert RouteTable([("runs", ["GET"], "x")]).resolve("runs", "PUT") is None
