#!/usr/bin/env python3
"""Converts scikit-learn's bundled toy data sets into plain CSVs in samples/data/tabular/.

Source: the folder sklearn/datasets/data/ of Debian's python3-sklearn package (1.2.1+dfsg-1), which
can be unpacked without installing it:
  cd "$(mktemp -d)" && apt-get download python3-sklearn && dpkg -x python3-sklearn_*.deb x
  python3 /path/to/samples/tools/make-tabular.py x/usr/lib/python3/dist-packages/sklearn/datasets/data

Output: one header row of column names, comma separated, '.' decimal point, no quoting, the
feature columns in the source order and the label last, named Label:
  breast-cancer.csv  569 x 30 + Label  true = malignant, false = benign (sklearn target 0 = malignant)
  iris.csv           150 x 4  + Label  0 = setosa, 1 = versicolor, 2 = virginica
  wine.csv           178 x 13 + Label  0 = class_0, 1 = class_1, 2 = class_2 (three cultivars)
  diabetes.csv       442 x 10 + Label  disease progression after one year (25..346); features are
                                       the raw, unscaled values (sex coded 1/2), not sklearn's
                                       mean-centred, scaled ones
Feature values are copied as the source text, so nothing is re-rounded. Standard library only.
"""
import csv
import gzip
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "data", "tabular")

BREAST_CANCER = [
    f"{stat}_{name}"
    for stat in ("mean", "error", "worst")
    for name in ("radius", "texture", "perimeter", "area", "smoothness", "compactness",
                 "concavity", "concave_points", "symmetry", "fractal_dimension")
]
IRIS = ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"]
WINE = ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols",
        "flavanoids", "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue",
        "od280_od315_of_diluted_wines", "proline"]
DIABETES = ["age", "sex", "bmi", "bp", "s1_tc", "s2_ldl", "s3_hdl", "s4_tch", "s5_ltg", "s6_glu"]


def sklearn_csv(path, names, label):
    """Reads sklearn's 'n_samples,n_features,target names...' CSV; label maps the target text."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    n, p = int(rows[0][0]), int(rows[0][1])
    assert p == len(names), (path, p, len(names))
    body = rows[1:]
    assert len(body) == n, (path, len(body), n)
    return [r[:p] + [label(r[p])] for r in body]


def write(name, header, rows):
    path = os.path.join(OUT, name)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header + ["Label"])
        w.writerows(rows)
    print(f"{name}: {len(rows)} rows x {len(header)} features + Label, {os.path.getsize(path)} bytes")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/python3/dist-packages/sklearn/datasets/data"
    os.makedirs(OUT, exist_ok=True)
    # sklearn codes malignant as 0 and benign as 1; the positive (true) class here is malignant.
    write("breast-cancer.csv", BREAST_CANCER,
          sklearn_csv(os.path.join(src, "breast_cancer.csv"), BREAST_CANCER,
                      lambda t: {"0": "true", "1": "false"}[t]))
    write("iris.csv", IRIS, sklearn_csv(os.path.join(src, "iris.csv"), IRIS, lambda t: str(int(t))))
    write("wine.csv", WINE, sklearn_csv(os.path.join(src, "wine_data.csv"), WINE, lambda t: str(int(t))))

    with gzip.open(os.path.join(src, "diabetes_data_raw.csv.gz"), "rt") as f:
        features = [line.split() for line in f if line.strip()]
    with gzip.open(os.path.join(src, "diabetes_target.csv.gz"), "rt") as f:
        targets = [float(line) for line in f if line.strip()]
    assert len(features) == len(targets) == 442
    assert all(len(r) == len(DIABETES) for r in features)
    assert all(t.is_integer() for t in targets)
    write("diabetes.csv", DIABETES, [r + [str(int(t))] for r, t in zip(features, targets)])


if __name__ == "__main__":
    main()
