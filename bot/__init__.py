"""claimbot: walks Amazon sellers' support agents through A-to-Z Guarantee claims."""

__version__ = "0.1.0"
