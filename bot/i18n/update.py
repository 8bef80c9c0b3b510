"""`make i18n-update`: merge each `.pot` into the catalog of every language, and only those.

`pybabel update -d locales` alone would also merge into a regional variant (`en_US`, a partial
catalog holding only the msgids whose US wording differs) and fill it with every msgid, empty.
So the update runs once per language, as `bot.i18n.catalogs` tells languages from variants.
A variant is edited by hand; `make i18n-check` reports its entries whose msgid left the `.pot`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from bot.i18n.catalogs import BOT_DOMAIN, MESSAGES_DOMAIN, SOURCE_LANGUAGE, Catalogs
from bot.resources import locales_dir


def update(locales: Path) -> int:
    """Merge `locales/DOMAIN.pot` into `locales/LANGUAGE/LC_MESSAGES/DOMAIN.po` for every
    language with a catalog; the exit status of the first merge that failed, else 0."""
    catalogs = Catalogs(locales)
    for domain in (BOT_DOMAIN, MESSAGES_DOMAIN):
        template = locales / f"{domain}.pot"
        for language in catalogs.languages(domain):
            if language == SOURCE_LANGUAGE:
                continue  # the msgids are the source text: no catalog
            status = CommandLineInterface().run(  # type: ignore[no-untyped-call]
                ["pybabel", "-q", "update", "-D", domain, "-i", str(template),
                 "-d", str(locales), "-l", language, "--ignore-obsolete",
                 "--no-fuzzy-matching"]
            )  # fmt: skip
            if status:
                return int(status)
    return 0


def main(argv: Iterable[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1:
        print("usage: python -m bot.i18n.update [LOCALES]", file=sys.stderr)
        return 2
    return update(Path(args[0]) if args else locales_dir())


if __name__ == "__main__":
    raise SystemExit(main())
