"""The one compiled module of unclause; everything else is declared in pyproject.toml.

``pipelines/models/_feature_rows.c`` is the loop of ``sparse_scorer.feature_matrix``. It is
optional: without a C compiler the install goes on and the same loop runs in Python
(``pipelines.models.sparse_scorer.COMPILED`` says which).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("pipelines.models._feature_rows",
                             sources=["pipelines/models/_feature_rows.c"], optional=True)])
