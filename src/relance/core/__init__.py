"""The functional core: pure decisions over frozen records.

Nothing here imports Django, touches a file or reads the clock; every decision
takes the day it is made for (``as_of``) as an argument.
"""
