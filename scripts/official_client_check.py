#!/usr/bin/env python3
"""Checks the sandbox portal with Esri's own client, the ArcGIS API for Python (arcgis 2.4.4).

A real client that nobody here wrote is the judge of whether the sandbox behaves like a portal.
Run it through scripts/official-client-check.sh, which makes the virtualenv, builds the CLI and
starts a sandbox; or by hand: SANDBOX_URL=http://127.0.0.1:8400/portal SSL_CERT_FILE=<ca.pem>
python3 scripts/official_client_check.py

Each step prints PASS or FAIL with what it saw; the last line is "N passed, M failed".
"""
import os
import sys
import tarfile
import tempfile
import traceback
import warnings

warnings.filterwarnings("ignore")
URL = os.environ.get("SANDBOX_URL", "http://127.0.0.1:8400/portal")
results = []


def step(name):
    def wrap(fn):
        try:
            detail = fn()
            results.append((name, True, detail))
            print(f"PASS {name}: {detail}", flush=True)
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            results.append((name, False, repr(e)))
            print(f"FAIL {name}: {e!r}", flush=True)
            traceback.print_exc(limit=3)
        return fn
    return wrap


from arcgis.gis import GIS  # noqa: E402

ctx = {}


@step("GIS(url, 'admin', 'sandbox-admin') signs in")
def _():
    gis = GIS(URL, "admin", "sandbox-admin")
    ctx["gis"] = gis
    me = gis.users.me
    assert me is not None and me.username == "admin", me
    return f"{gis!r}, version {gis.version}, user {me.username} ({me.role})"


@step("gis.content.search finds web maps, PDFs and authoritative items")
def _():
    gis = ctx["gis"]
    maps = gis.content.search('type:"Web Map"', max_items=100)
    assert maps, "no web maps"
    ctx["maps"] = maps
    pdfs = [i for i in gis.content.search("type:PDF", max_items=100) if i.type == "PDF"]
    assert pdfs, "no PDFs"
    ctx["pdf"] = pdfs[0]
    auth = gis.content.search("contentstatus:org_authoritative", max_items=100)
    exact = [i for i in auth if i.content_status == "org_authoritative"]
    assert exact, "no authoritative items"
    everything = gis.content.advanced_search(query="owner:admin", max_items=-1)
    n = len(everything["results"]) if isinstance(everything, dict) else len(everything)
    return (f"{len(maps)} web maps, {len(pdfs)} PDFs, {len(auth)} contentstatus hits of which "
            f"{len(exact)} exact, advanced_search owner:admin -> {n}")


@step("gis.content.get and Item.get_data on a web map")
def _():
    gis = ctx["gis"]
    wm = gis.content.get(ctx["maps"][0].id)
    assert wm is not None and wm.type == "Web Map"
    data = wm.get_data()
    assert isinstance(data, dict) and "operationalLayers" in data, type(data)
    missing = gis.content.get("0" * 32)
    assert missing is None
    ctx["wm"] = wm
    return f"'{wm.title}' with {len(data['operationalLayers'])} operational layers; unknown id -> None"


@step("Item.download of a PDF (302 to the blob origin)")
def _():
    out = tempfile.mkdtemp()
    path = ctx["pdf"].download(save_path=out)
    with open(path, "rb") as f:
        head = f.read(5)
    assert head == b"%PDF-", head
    return f"{os.path.basename(path)}, {os.path.getsize(path)} bytes"


@step("Item.download_thumbnail")
def _():
    out = tempfile.mkdtemp()
    path = ctx["wm"].download_thumbnail(out)
    assert path and os.path.getsize(path) > 0
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    return f"{os.path.basename(path)}, {os.path.getsize(path)} bytes"


@step("Item.resources.list on an item with resources")
def _():
    gis = ctx["gis"]
    candidates = gis.content.search("type:StoryMap", max_items=20) + ctx["maps"]
    for item in candidates:
        res = item.resources.list()
        if res:
            name = res[0]["resource"]
            got = item.resources.get(name, try_json=False, out_folder=tempfile.mkdtemp())
            return f"'{item.title}': {len(res)} resources, first '{name}' -> {got!r:.80}"
    raise AssertionError("no item with resources found")


@step("Item.related_items Map2Service forward")
def _():
    for wm in [m for m in ctx["maps"] if m.type == "Web Map"]:
        rel = wm.related_items("Map2Service", "forward")
        if rel:
            ctx["wm_with_layers"] = wm
            back = rel[0].related_items("Map2Service", "reverse")
            assert any(b.id == wm.id for b in back)
            return f"'{wm.title}' -> {[r.title for r in rel]} (and back)"
    raise AssertionError("no web map with Map2Service relations")


@step("feature layer query, count and attachments")
def _():
    wm = ctx["wm_with_layers"]
    fs = wm.related_items("Map2Service", "forward")[0]
    layer = fs.layers[0]
    count = layer.query(where="1=1", return_count_only=True)
    fset = layer.query(where="1=1", out_fields="*")
    assert len(fset.features) == count, (len(fset.features), count)
    extra = ""
    if layer.properties.get("hasAttachments"):
        extra = f", attachments on {len(layer.attachments.search(where='1=1'))} rows"
    return f"'{fs.title}' layer '{layer.properties.name}': {count} features{extra}"


@step("gis.content.offline.export_items writes a .contentexport of a web map and its layer")
def _():
    wm = ctx["wm_with_layers"]
    out = tempfile.mkdtemp()
    gis = ctx["gis"]
    path = gis.content.offline.export_items([wm], out, package_name="sandbox_check")
    path = str(path)
    assert path.endswith(".contentexport") and os.path.exists(path), path
    with tarfile.open(path, "r:gz") as tar:
        names = tar.getnames()
    tops = {n.split("/")[0] for n in names}
    assert tops == {"sandbox_check"}, tops
    assert "sandbox_check/manifest.json" in names and "sandbox_check/graph.gml" in names
    items = gis.content.offline.list_items(path)
    types = sorted(v["type"] for v in items.values())
    assert "Web Map" in types and "Feature Service" in types, types
    data_files = sorted(n.split("/", 1)[1] for n in names if "/data/" in n and not n.endswith("/data"))
    assert any(n.endswith(("flc_props.json", "view_props.json")) for n in data_files), data_files
    return f"{os.path.getsize(path)} bytes, items {types}, data files {data_files}"


passed = sum(1 for _, ok, _ in results if ok)
failed = len(results) - passed
print(f"{passed} passed, {failed} failed")
sys.exit(0 if failed == 0 else 1)
