"""SQL filter subset: every operator, three-valued logic, property scopes and parse errors."""

import pytest

from devhost.servicebus.errors import SqlFilterError
from devhost.servicebus.filters import MessageView
from devhost.servicebus.sql_filter import parse_sql_filter

VIEW = MessageView(
    system={"label": "train", "messageid": "m-1", "correlationid": "c-9", "contenttype": "application/json"},
    application={
        "event_type": "run.created",
        "n": 5,
        "ratio": 0.5,
        "flag": True,
        "nothing": None,
        "path": "50%_off",
    },
)


def matches(expression: str, view: MessageView = VIEW) -> bool:
    return parse_sql_filter(expression).matches(view)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("event_type = 'run.created'", True),
        ("event_type = 'run.failed'", False),
        ("event_type <> 'run.failed'", True),
        ("event_type != 'run.created'", False),
        ("n < 6", True),
        ("n < 5", False),
        ("n <= 5", True),
        ("n > 4.5", True),
        ("n > 5", False),
        ("n >= 5", True),
        ("ratio = 0.5", True),
        ("ratio < 1e0", True),
        ("n = -5", False),
        ("flag = TRUE", True),
        ("flag = FALSE", False),
        ("flag", True),
        ("1 = 1", True),
    ],
)
def test_comparisons(expression: str, expected: bool) -> None:
    assert matches(expression) is expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("event_type IN ('run.created', 'run.failed')", True),
        ("event_type IN ('run.go_prod')", False),
        ("n IN (1, 5)", True),
        ("event_type NOT IN ('run.go_prod', 'run.failed')", True),
        ("event_type NOT IN ('run.created')", False),
        ("missing IN ('x')", False),
        ("missing NOT IN ('x')", False),
    ],
)
def test_in(expression: str, expected: bool) -> None:
    assert matches(expression) is expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("event_type LIKE 'run.%'", True),
        ("event_type LIKE 'run._reated'", True),
        ("event_type LIKE 'RUN.%'", False),
        ("event_type LIKE 'run'", False),
        ("event_type NOT LIKE 'job.%'", True),
        ("path LIKE '50!%!_off' ESCAPE '!'", True),
        ("path LIKE '50!%x' ESCAPE '!'", False),
        ("n LIKE '5'", False),
        ("missing LIKE '%'", False),
    ],
)
def test_like(expression: str, expected: bool) -> None:
    assert matches(expression) is expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("missing IS NULL", True),
        ("nothing IS NULL", True),
        ("event_type IS NULL", False),
        ("event_type IS NOT NULL", True),
        ("missing IS NOT NULL", False),
        ("EXISTS(event_type)", True),
        ("EXISTS(missing)", False),
        ("EXISTS(sys.Label)", True),
        ("NOT EXISTS(missing)", True),
    ],
)
def test_null_and_exists(expression: str, expected: bool) -> None:
    assert matches(expression) is expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("event_type = 'run.created' AND n = 5", True),
        ("event_type = 'run.created' AND n = 4", False),
        ("event_type = 'x' OR n = 5", True),
        ("event_type = 'x' OR n = 4", False),
        ("NOT event_type = 'x'", True),
        ("NOT (event_type = 'x' OR n = 5)", False),
        ("(event_type = 'x' OR n = 5) AND flag", True),
        ("event_type = 'x' OR n = 5 AND flag = FALSE", False),
        # Unknown (an absent property) is neither true nor false.
        ("missing = 1", False),
        ("NOT missing = 1", False),
        ("missing = 1 OR n = 5", True),
        ("missing = 1 AND n = 5", False),
        ("NOT (missing = 1 AND n = 4)", True),
    ],
)
def test_logic(expression: str, expected: bool) -> None:
    assert matches(expression) is expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("sys.Label = 'train'", True),
        ("sys.label = 'train'", True),
        ("sys.MessageId = 'm-1' AND sys.CorrelationId = 'c-9'", True),
        ("sys.ContentType LIKE 'application/%'", True),
        ("sys.To = 'x'", False),
        ("user.event_type = 'run.created'", True),
        ("[event_type] = 'run.created'", True),
        ("user.[n] = 5", True),
        ("EVENT_TYPE = 'run.created'", True),
    ],
)
def test_property_scopes(expression: str, expected: bool) -> None:
    assert matches(expression) is expected


def test_string_literal_escapes_quote() -> None:
    view = MessageView(application={"name": "O'Brien"})
    assert matches("name = 'O''Brien'", view)


def test_type_mismatch_is_unknown() -> None:
    assert not matches("n = '5'")
    assert not matches("flag = 1")


def test_keywords_are_case_insensitive() -> None:
    assert matches("event_type in ('run.created') and not n is null")


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("event_type = ", "expected a value"),
        ("event_type = 'open", "unterminated string"),
        ("n IN ()", "expected a value"),
        ("n NOT 5", "expected IN or LIKE after NOT"),
        ("n % 2 = 0", "unexpected character '%'"),
        ("(n = 5", "expected )"),
        ("n = 5 n = 6", "expected end of expression"),
        ("path LIKE '%' ESCAPE '!!'", "ESCAPE takes one character"),
        ("EXISTS(5)", "expected identifier"),
    ],
)
def test_parse_errors_name_the_problem(expression: str, fragment: str) -> None:
    with pytest.raises(SqlFilterError, match="position") as info:
        parse_sql_filter(expression)
    assert fragment in str(info.value)
