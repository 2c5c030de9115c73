"""Pure-Python core of Galley: no Qt import is allowed anywhere below here.

Everything that can be decided without a window lives in this package, so it
is fast to test and usable from ``galley-cli``.
"""
