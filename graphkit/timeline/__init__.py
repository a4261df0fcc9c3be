"""Time: periods of the weekly page dates, trends, the weak-signal map and its plots."""
