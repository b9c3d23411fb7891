"""Analysis package of the reproducible edition of the six-region Alliances study.

Every chapter reads data and draws figures through this package, so the logic is written once
for six regions and tested in tests/.
"""

__version__ = "0.1.0"
