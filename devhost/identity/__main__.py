"""`python -m devhost.identity token --user ana@contoso.com --roles approver`: print a bearer token for curl."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from devhost.identity.provider import DEFAULT_TTL_S, InvalidIdentityRequest, LocalIdentityProvider


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, print the token (or the reason there is none) and return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m devhost.identity", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    token = commands.add_parser("token", help="print a bearer token signed by devhost's local identity provider")
    token.add_argument("--user", required=True, help="sign-in name, e.g. ana@contoso.com")
    token.add_argument("--roles", nargs="*", default=[], help="app roles: requester, approver (or a,b)")
    token.add_argument("--state-dir", type=Path, default=Path(".stack/devhost"), help="devhost's state dir")
    token.add_argument("--expires-in", type=int, default=DEFAULT_TTL_S, help="lifetime in seconds")
    args = parser.parse_args(argv)
    roles = [role for group in args.roles for role in group.split(",") if role]
    try:
        print(LocalIdentityProvider.load_or_create(args.state_dir).issue(args.user, roles, args.expires_in))
    except InvalidIdentityRequest as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
