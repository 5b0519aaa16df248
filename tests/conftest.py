"""Fixture plugins shared by every test level: embedded services, the local broker, devhost."""

pytest_plugins = [
    "tests.fixtures.services",
    "tests.fixtures.broker",
    "tests.fixtures.devhost",
    "tests.fixtures.security_stack",
]
