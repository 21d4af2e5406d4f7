#!/usr/bin/env python3
"""Helpers of scripts/bench-package.sh, run with the arcgis 2.4.4 virtualenv's Python.

`ids OUT.csv`: writes the id of every item the sandbox admin can see (the whole org) to a CSV
with an `id` column, the selection both tools back up.
`esri OUT_DIR IDS.csv`: Esri's `gis.content.offline.export_items` of those items into one
package, as a token-based GIS (its async workers need one); prints the package and its items.
`summary PACKAGE`: the item count of a package as Esri's `list_items` reads it.
Needs SANDBOX_URL and SSL_CERT_FILE.
"""
import csv
import os
import sys
import warnings

warnings.filterwarnings("ignore")
from arcgis.gis import GIS  # noqa: E402

URL = os.environ["SANDBOX_URL"]


def ids(out):
    gis = GIS(URL, "admin", "sandbox-admin")
    found = gis.content.advanced_search(query=f"orgid:{gis.properties['id']}", max_items=-1)
    items = found["results"] if isinstance(found, dict) else found
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "type"])
        for it in items:
            w.writerow([it.id, it.title, it.type])
    print(f"{len(items)} items")


def esri(out_dir, ids_csv):
    gis = GIS(URL, "admin", "sandbox-admin")
    with open(ids_csv, encoding="utf-8") as f:
        wanted = [row["id"] for row in csv.DictReader(f)]
    items = [i for i in (gis.content.get(x) for x in wanted) if i is not None]
    path = gis.content.offline.export_items(items, out_dir, package_name="esri_batch")
    listed = gis.content.offline.list_items(str(path))
    print(f"{path}: {len(listed)} of {len(items)} items")


def summary(package):
    gis = GIS(URL, "admin", "sandbox-admin")
    print(len(gis.content.offline.list_items(package)))


if __name__ == "__main__":
    {"ids": ids, "esri": esri, "summary": summary}[sys.argv[1]](*sys.argv[2:])
