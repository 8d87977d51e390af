"""scikit-learn's MLP with every option at its default, StandardScaler in front, 5-fold cross-validated.

Usage: python3 defaults_peer.py TASK CSV
  TASK  multiclass | binary | regression
  CSV   comma-separated, a header line, the features then the label in the last column
Prints one line: RESULT {"metric": ..., "auc": ..., "seconds": ...} (accuracy for classification, R^2 for regression;
the mean over the folds). The folds are KFold(5, shuffle=True, random_state=0), not ML.NET's, so the two sides see
different splits of the same rows.
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, cross_validate
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def main():
    task, path = sys.argv[1], sys.argv[2]
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    x, y = data[:, :-1], data[:, -1]
    folds = KFold(n_splits=5, shuffle=True, random_state=0)
    if task == "regression":
        model = make_pipeline(StandardScaler(), MLPRegressor(random_state=0))
        scoring = {"metric": "r2"}
    else:
        model = make_pipeline(StandardScaler(), MLPClassifier(random_state=0))
        scoring = {"metric": "accuracy"}
        if task == "binary":
            scoring["auc"] = "roc_auc"
    start = time.perf_counter()
    with warnings.catch_warnings():
        # The default max_iter (200) often ends before tol is met on small tables; that is the default being measured.
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_validate(model, x, y, cv=folds, scoring=scoring)
    seconds = time.perf_counter() - start
    result = {"metric": float(np.mean(scores["test_metric"])), "seconds": seconds}
    if "test_auc" in scores:
        result["auc"] = float(np.mean(scores["test_auc"]))
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
