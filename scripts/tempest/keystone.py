#!/usr/bin/python3
"""A keystone stand-in for running tempest against the all-in-one in noauth mode.

It answers the one identity call tempest's pre-provisioned credentials make (POST /v3/auth/tokens,
password method, project scope) with a token the all-in-one accepts in noauth mode ("user:project")
and a catalog whose volumev3 / block-storage endpoints point at the all-in-one. Users and projects
are not stored: any user name and password are accepted, a project's id is derived from its name
(32 hex digits, stable across runs), and a user's id is its name, so that the all-in-one's
BackupPlatform:Auth:AdminUsers names the administrators. A user is given the admin role when its
name is in --admin-users, as the all-in-one will treat it.

Usage: keystone.py --port P --volume-url http://127.0.0.1:Q [--admin-users admin,admin2]
"""
import argparse
import datetime
import hashlib
import json
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DOMAIN = {"id": "default", "name": "Default"}


def project_id(name):
    return hashlib.md5(name.encode()).hexdigest()


def catalog(volume_url):
    def endpoints(url):
        return [{"id": uuid.uuid4().hex, "interface": interface, "region": "RegionOne",
                 "region_id": "RegionOne", "url": url}
                for interface in ("public", "internal", "admin")]

    # The block-storage endpoints carry the project (cinder's $(project_id)s), as a real catalog's do.
    url = volume_url.rstrip("/") + "/v3/%(project)s"
    return [
        {"id": uuid.uuid4().hex, "type": "volumev3", "name": "cinderv3", "endpoints": endpoints(url)},
        {"id": uuid.uuid4().hex, "type": "block-storage", "name": "cinder", "endpoints": endpoints(url)},
    ]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def identity_url(self):
        return "http://%s/v3" % self.headers.get("Host", "127.0.0.1")

    def do_GET(self):
        version = {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
                   "links": [{"rel": "self", "href": self.identity_url() + "/"}],
                   "media-types": [{"base": "application/json",
                                    "type": "application/vnd.openstack.identity-v3+json"}]}
        if self.path.rstrip("/") in ("", "/v3"):
            body = {"version": version} if self.path.startswith("/v3") else {"versions": {"values": [version]}}
            self.reply(200, body)
        else:
            self.reply(404, {"error": {"code": 404, "title": "Not Found", "message": self.path}})

    def do_POST(self):
        if self.path.rstrip("/") != "/v3/auth/tokens":
            self.reply(404, {"error": {"code": 404, "title": "Not Found", "message": self.path}})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            auth = json.loads(self.rfile.read(length))["auth"]
            user = auth["identity"]["password"]["user"]
            user_name = user.get("name") or user["id"]
            project = auth["scope"]["project"]
            project_name = project.get("name") or project["id"]
        except (KeyError, TypeError, ValueError) as e:
            self.reply(400, {"error": {"code": 400, "title": "Bad Request", "message": "unsupported auth request: %s" % e}})
            return

        pid = project.get("id") or project_id(project_name)
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        roles = [{"id": "member", "name": "member"}, {"id": "reader", "name": "reader"}]
        if user_name in self.server.admin_users:
            roles.append({"id": "admin", "name": "admin"})
        token = {
            "methods": ["password"],
            "issued_at": now.isoformat() + "Z",
            "expires_at": (now + datetime.timedelta(hours=12)).isoformat() + "Z",
            "user": {"id": user_name, "name": user_name, "domain": DOMAIN, "password_expires_at": None},
            "project": {"id": pid, "name": project_name, "domain": DOMAIN},
            "roles": roles,
            "catalog": json.loads(json.dumps(self.server.catalog).replace("%(project)s", pid)),
        }
        # The token is what the all-in-one's noauth mode trusts as sent: user and project.
        self.reply(201, {"token": token}, {"X-Subject-Token": "%s:%s" % (user_name, pid)})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--volume-url", required=True)
    parser.add_argument("--admin-users", default="admin")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.catalog = catalog(args.volume_url)
    server.admin_users = set(args.admin_users.split(","))
    server.serve_forever()


if __name__ == "__main__":
    main()
