"""Serves the harness's JupyterLab build (build/) with Debian's jupyterlab_server and jupyter_server.

Run with jupyter_server's options, e.g. `python3 server.py --ServerApp.port=8888`. The settings the
user changes (the theme, say) go to --TsgradLab.user_settings_dir, which the tests point at a temp dir.
"""
import json
import os

from jupyter_server.base.handlers import JupyterHandler
from jupyterlab_server import LabServerApp
from tornado import web, websocket

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")


class EmptyAnnouncementsHandler(JupyterHandler):
    """JupyterLab 4 asks /lab/api/news and /lab/api/update; jupyterlab_server 2.16 has neither and
    its fall-through handler answers with HTML while writing a not-found URL into the page config that
    every later page shares (each later load then redirects). Nothing to announce: say so in JSON."""

    def initialize(self, body):
        self.body = body

    @web.authenticated
    def get(self):
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(self.body))


class IdentityHandler(JupyterHandler):
    """/api/me (jupyter_server 2's identity API), asked by JupyterLab 4 at start; 1.23 has none."""

    @web.authenticated
    def get(self):
        name = "tester"
        identity = {"username": name, "name": name, "display_name": name, "initials": "T", "avatar_url": None, "color": None}
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"identity": identity, "permissions": {}}))


class NoEventsHandler(websocket.WebSocketHandler, JupyterHandler):
    """JupyterLab 4 subscribes to /api/events/subscribe, which jupyter_server 1.23 does not have (each
    attempt logs a 404 in the browser console). A socket that never sends: there are no events."""

    async def get(self, *args, **kwargs):
        if self.current_user is None:
            raise web.HTTPError(403)
        return await super().get(*args, **kwargs)

    def on_message(self, message):
        pass


class TsgradLab(LabServerApp):
    name = "tsgrad_lab"
    extension_url = "/lab"
    default_url = "/lab"
    app_url = "/lab"
    app_name = "JupyterLab (tsgrad test harness)"
    load_other_extensions = False
    # overrides.json there: no news or update checks (they would ask the internet).
    app_settings_dir = os.path.join(HERE, "settings")
    schemas_dir = os.path.join(BUILD, "schemas")
    static_dir = BUILD
    templates_dir = os.path.join(HERE, "templates")
    themes_dir = os.path.join(BUILD, "themes")
    # user_settings_dir and workspaces_dir stay configurable traits (a class attribute would replace
    # them): the tests pass temp dirs, a manual run gets jupyterlab_server's defaults.

    def initialize_handlers(self):
        # Ahead of the lab's own handlers, whose last one catches everything under /lab.
        self.handlers.append((r"/lab/api/news", EmptyAnnouncementsHandler, {"body": {"news": []}}))
        self.handlers.append((r"/lab/api/update", EmptyAnnouncementsHandler, {"body": {"notification": None}}))
        self.handlers.append((r"/api/events/subscribe", NoEventsHandler))
        self.handlers.append((r"/api/me", IdentityHandler))
        super().initialize_handlers()


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": TsgradLab}]


if __name__ == "__main__":
    TsgradLab.launch_instance()
