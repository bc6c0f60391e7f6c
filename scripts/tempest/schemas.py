#!/usr/bin/python3
"""Checks every body the all-in-one returns for volumes, snapshots and backups against tempest's
response schemas (tempest/lib/api_schema/response/volume/), with tempest's own validator, at the
microversions where tempest's clients switch schemas. Prints PASS/FAIL schema <call>@<microversion>.

tempest's tests validate only the calls they happen to make; this walks each call once:
volumes create/show/list/detail/update/delete, snapshots create/show/list/detail/update/delete,
backups create/show/list/detail/update/restore/export/import/reset-status/delete.
Usage: schemas.py URL   (an all-in-one in noauth mode whose AdminUsers include "admin")
"""
import base64
import json
import sys
import time
import urllib.error
import urllib.request
import uuid

from tempest.lib.common import rest_client
from tempest.lib import exceptions
from tempest.lib.api_schema.response.volume import snapshots as snaps  # one schema for every microversion
from tempest.lib.services.volume.v3 import backups_client, volumes_client

URL = sys.argv[1].rstrip("/")
PROJECT = uuid.uuid4().hex
failures = 0


class Response(dict):
    def __init__(self, status, headers):
        super().__init__(headers)
        self.status = status


def call(method, path, body=None, microversion="3.0", user="tempest-schemas"):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request("%s/v3/%s/%s" % (URL, PROJECT, path), data=data, method=method, headers={
        "X-Auth-Token": "%s:%s" % (user, PROJECT), "Content-Type": "application/json",
        "Accept": "application/json", "OpenStack-API-Version": "volume %s" % microversion})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            raw = answer.read()
            return Response(answer.status, answer.headers), json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raise SystemExit("FAIL schema %s %s@%s: HTTP %s %s" % (method, path, microversion, e.code, e.read()[:300]))


def schema_for(client, microversion):
    """The schema module tempest's client picks at this microversion (RestClient.get_schema)."""
    version = tuple(int(p) for p in microversion.split("."))
    for info in getattr(client, "schema_versions_info", []):
        low = tuple(int(p) for p in info["min"].split(".")) if info["min"] else (0, 0)
        high = tuple(int(p) for p in info["max"].split(".")) if info["max"] else (99, 99)
        if low <= version <= high:
            return info["schema"]
    return None


def check(name, schema, response, body, microversion):
    global failures
    try:
        rest_client.RestClient.validate_response(schema, response, body)
        print("PASS schema %s@%s" % (name, microversion))
    except (exceptions.InvalidHTTPResponseBody, exceptions.InvalidHttpSuccessCode) as e:
        failures += 1
        print("FAIL schema %s@%s: %s" % (name, microversion, e))


def wait(path, key, status, microversion):
    for _ in range(240):
        _, body = call("GET", path, microversion=microversion)
        if body[key]["status"] == status:
            return body
        if body[key]["status"] in ("error", "error_restoring"):
            raise SystemExit("FAIL schema %s: %s" % (path, body))
        time.sleep(0.25)
    raise SystemExit("FAIL schema %s did not become %s" % (path, status))


def mv_at_least(mv, version):
    return tuple(int(p) for p in mv.split(".")) >= tuple(int(p) for p in version.split("."))


def reads(mv, volume, snapshot, backup):
    """The cheap calls, as a tenant and as an administrator (whose views carry more fields)."""
    vol = schema_for(volumes_client.VolumesClient, mv)
    bak = schema_for(backups_client.BackupsClient, mv)
    for user, who in (("tempest-schemas", ""), ("admin", " (admin)")):
        r, b = call("POST", "volumes", {"volume": {"size": 1, "name": "schemas"}}, mv, user=user)
        check("volumes create" + who, vol.create_volume, r, b, mv)
        extra = b["volume"]["id"]
        wait("volumes/" + extra, "volume", "available", mv)
        r, b = call("GET", "volumes/" + volume, microversion=mv, user=user)
        check("volumes show" + who, vol.show_volume, r, b, mv)
        r, b = call("GET", "volumes", microversion=mv, user=user)
        check("volumes list" + who, vol.list_volumes_no_detail, r, b, mv)
        r, b = call("GET", "volumes/detail", microversion=mv, user=user)
        check("volumes detail" + who, vol.list_volumes_with_detail, r, b, mv)
        r, b = call("PUT", "volumes/" + volume, {"volume": {"name": "renamed", "description": "d", "metadata": {"k": "v2"}}}, mv, user=user)
        check("volumes update" + who, vol.update_volume, r, b, mv)
        r, b = call("DELETE", "volumes/" + extra, microversion=mv, user=user)
        check("volumes delete" + who, vol.delete_volume, r, b, mv)

        r, b = call("GET", "snapshots/" + snapshot, microversion=mv, user=user)
        check("snapshots show" + who, snaps.show_snapshot, r, b, mv)
        r, b = call("GET", "snapshots", microversion=mv, user=user)
        check("snapshots list" + who, snaps.list_snapshots_no_detail, r, b, mv)
        r, b = call("GET", "snapshots/detail", microversion=mv, user=user)
        check("snapshots detail" + who, snaps.list_snapshots_with_detail, r, b, mv)
        r, b = call("PUT", "snapshots/" + snapshot, {"snapshot": {"name": "s2", "description": "d"}}, mv, user=user)
        check("snapshots update" + who, snaps.update_snapshot, r, b, mv)

        r, b = call("GET", "backups/" + backup, microversion=mv, user=user)
        check("backups show" + who, bak.show_backup, r, b, mv)
        r, b = call("GET", "backups", microversion=mv, user=user)
        check("backups list" + who, bak.list_backups_no_detail, r, b, mv)
        r, b = call("GET", "backups/detail", microversion=mv, user=user)
        check("backups detail" + who, bak.list_backups_with_detail, r, b, mv)
        if mv_at_least(mv, "3.9"):
            r, b = call("PUT", "backups/" + backup, {"backup": {"name": "b2", "description": "d"}}, mv, user=user)
            check("backups update" + who, bak.update_backup, r, b, mv)


def lifecycle(mv):
    """Create, export, import under a new id, restore, reset, delete: every writing call once."""
    vol = schema_for(volumes_client.VolumesClient, mv)
    bak = schema_for(backups_client.BackupsClient, mv)
    r, b = call("POST", "volumes", {"volume": {"size": 1, "name": "schemas", "metadata": {"k": "v"}}}, mv)
    check("volumes create", vol.create_volume, r, b, mv)
    volume = b["volume"]["id"]
    wait("volumes/" + volume, "volume", "available", mv)
    r, b = call("POST", "snapshots", {"snapshot": {"volume_id": volume, "name": "s", "metadata": {"k": "v"}}}, mv)
    check("snapshots create", snaps.create_snapshot, r, b, mv)
    snapshot = b["snapshot"]["id"]
    wait("snapshots/" + snapshot, "snapshot", "available", mv)
    body = {"volume_id": volume, "name": "b", "snapshot_id": snapshot}
    if mv_at_least(mv, "3.43"):
        body["metadata"] = {"k": "v"}
    r, b = call("POST", "backups", {"backup": body}, mv)
    check("backups create", bak.create_backup, r, b, mv)
    backup = b["backup"]["id"]
    wait("backups/" + backup, "backup", "available", mv)

    r, b = call("GET", "backups/%s/export_record" % backup, microversion=mv, user="admin")
    check("backups export", bak.export_backup, r, b, mv)
    record = json.loads(base64.b64decode(b["backup-record"]["backup_url"]))
    record["id"] = str(uuid.uuid4())
    url = base64.b64encode(json.dumps(record).encode()).decode()
    r, b = call("POST", "backups/import_record", {"backup-record": {
        "backup_service": b["backup-record"]["backup_service"], "backup_url": url}}, mv, user="admin")
    check("backups import", bak.import_backup, r, b, mv)
    imported = b["backup"]["id"]
    wait("backups/" + imported, "backup", "available", mv)
    r, b = call("POST", "backups/%s/restore" % imported, {"restore": {"name": "restored"}}, mv)
    check("backups restore", bak.restore_backup, r, b, mv)
    restored = b["restore"]["volume_id"]
    wait("backups/" + imported, "backup", "available", mv)
    wait("volumes/" + restored, "volume", "available", mv)
    r, b = call("POST", "backups/%s/action" % imported, {"os-reset_status": {"status": "available"}}, mv, user="admin")
    check("backups reset-status", bak.reset_backup_status, r, b, mv)
    return volume, snapshot, backup, imported, restored


def cleanup(mv, volume, snapshot, backups, volumes):
    vol = schema_for(volumes_client.VolumesClient, mv)
    bak = schema_for(backups_client.BackupsClient, mv)
    for backup in backups:
        r, b = call("DELETE", "backups/" + backup, microversion=mv)
        check("backups delete", bak.delete_backup, r, b, mv)
    for _ in range(480):
        _, b = call("GET", "backups", microversion=mv)
        if not set(backups) & {x["id"] for x in b["backups"]}:
            break
        time.sleep(0.25)
    r, b = call("DELETE", "snapshots/" + snapshot, microversion=mv)
    check("snapshots delete", snaps.delete_snapshot, r, b, mv)
    for _ in range(240):
        _, b = call("GET", "snapshots", microversion=mv)
        if snapshot not in {x["id"] for x in b["snapshots"]}:
            break
        time.sleep(0.25)
    for v in volumes + [volume]:
        r, b = call("DELETE", "volumes/" + v, microversion=mv)
        check("volumes delete", vol.delete_volume, r, b, mv)


# (Snapshot create copies the volume before it answers: slow on a loaded machine, hence the long timeout.)
# Every writing call at the oldest and the newest microversion; the reads (and updates) also at each
# microversion where tempest's clients switch schema or Cinder adds backup fields (3.18 project, 3.43
# metadata, 3.45 count, 3.56 user, 3.64 encryption key).
for mv in ("3.0", "3.71"):
    volume, snapshot, backup, imported, restored = lifecycle(mv)
    points = ("3.0", "3.9", "3.18", "3.43", "3.45", "3.56", "3.61", "3.63", "3.64", "3.65", "3.69") if mv == "3.0" else ("3.71",)
    for point in points:
        reads(point, volume, snapshot, backup)
    cleanup(mv, volume, snapshot, [imported, backup], [restored])
sys.exit(1 if failures else 0)
