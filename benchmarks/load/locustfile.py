"""Users of benchmarks/load.py (run by locust, headless, against a local production server).

Public readers (most traffic): home, zone, zone investment, profile, API quantum, for a large
metro (eThekwini) and a district. Officials (signed in): the upload preview of a small file and
their zone's One Plan page. Page names in the statistics are the page kinds, not the URLs.
"""

import os
import random
import re

from locust import HttpUser, between, task

ZONES = os.environ.get("LOAD_ZONES", "ETH,DC36,CPT,DC15").split(",")
PASSWORD = os.environ.get("LOAD_PASSWORD", "load-test-password-4242")
ORGANISATION_PK = os.environ.get("LOAD_ORGANISATION_PK", "")
SMALL_FILE = "Project ID,Project,2019/20,Municipality\n" + "".join(
    f"LOAD-{i},Load test project {i},{1000 + i},LIM367\n" for i in range(20))


class Reader(HttpUser):
    weight = 4
    wait_time = between(0.5, 1.5)

    def zone(self):
        return random.choice(ZONES)

    @task(2)
    def home(self):
        self.client.get("/", name="home")

    @task(2)
    def zone_page(self):
        self.client.get(f"/zones/{self.zone()}/", name="zone")

    @task(4)
    def zone_investment(self):
        self.client.get(f"/investment/zones/{self.zone()}/", name="zone investment")

    @task(2)
    def profile(self):
        self.client.get(f"/profiles/zones/{self.zone()}/", name="profile")

    @task(4)
    def api_quantum(self):
        self.client.get(f"/api/zones/{self.zone()}/quantum", name="API quantum")


class Official(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        self.client.get("/accounts/login/", name="sign in")
        self.client.post("/accounts/login/", {"username": "load", "password": PASSWORD,
                                              "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
                         name="sign in", allow_redirects=False)

    @task(1)
    def upload_preview(self):
        page = self.client.get("/investment/submissions/new/", name="upload form")
        token = self.client.cookies.get("csrftoken", "") or _token(page.text)
        self.client.post("/investment/submissions/new/", data={
            "csrfmiddlewaretoken": token, "organisation": ORGANISATION_PK, "sheet": "", "mode": "all"},
            files={"file": ("load.csv", SMALL_FILE.encode(), "text/csv")}, name="upload preview")

    @task(2)
    def one_plan(self):
        self.client.get("/oneplan/zones/DC15/", name="One Plan page")


def _token(html):
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html or "")
    return found.group(1) if found else ""
