"""The models-from-code entry MLflow runs to rebuild a logged unclause model.

``mlflow.pyfunc.log_model(python_model=<this file>, code_paths=[<pipelines>])`` stores this
source file and a copy of the ``pipelines`` package with the model; loading executes this file
(plain Python, no pickle) with the copy on ``sys.path``, so the model loads where the checkout
is absent (``--env-manager virtualenv``, ``mlflow models build-docker``, Spark executors).
The fitted state is the ``unclause_model`` artifact, read by ``ClausePyfunc.load_context``.
"""

import mlflow

from pipelines.models.pyfunc import ClausePyfunc

mlflow.models.set_model(ClausePyfunc())
