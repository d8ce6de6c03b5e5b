"""Closed English word classes the language rules share: month names (dates)."""

from __future__ import annotations

import re

__all__ = ["MONTHS", "MONTH_RE"]

#: month names, lower case, as an alternation for regular expressions
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
          "december")
#: a month name at the match position (any case)
MONTH_RE = re.compile(rf"(?:{MONTHS})\b", re.IGNORECASE)
