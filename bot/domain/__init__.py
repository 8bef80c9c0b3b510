"""Pure business rules: no Telegram, no SQL, no I/O. Everything here is unit-tested directly."""
