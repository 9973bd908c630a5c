from argparse import ArgumentParser
from collections.abc import Sequence
from time import perf_counter

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dispatch.demo.selectors import database_has_offices, present_demo_logins
from dispatch.demo.services import seed_demo
from dispatch.demo.staff import DEMO_PASSWORD, DemoLogin

URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = ("Fill an empty database with a demo city around Nanning: service offices, areas, skills, staff for "
            "every role and customers. The sizes are parameters, so the same command makes benchmark data sets.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--if-empty", action="store_true",
                            help="When a service office already exists, create nothing and only print the logins.")
        parser.add_argument("--customers", type=int, default=3000, help="Customer accounts (default 3000).")
        parser.add_argument("--technicians", type=int, default=40,
                            help="Technicians, the demo technician 'tech' included (default 40).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed; the same seed gives the same data.")

    def handle(self, *args, if_empty: bool, customers: int, technicians: int, seed: int, **options) -> None:
        if customers < 0 or technicians < 1:
            raise CommandError("--customers must be 0 or more and --technicians 1 or more (the demo technician).")
        if database_has_offices():
            if not if_empty:
                raise CommandError("The database already has service offices; seed_demo only fills an empty one "
                                   "(use --if-empty to skip quietly).")
            self.stdout.write("A service office exists already: no demo data created.")
            self._print_logins(present_demo_logins())
            return
        started = perf_counter()
        context = seed_demo(customers=customers, technicians=technicians, seed=seed, today=timezone.localdate())
        self.stdout.write(self.style.SUCCESS(
            f"Demo data created in {perf_counter() - started:.1f} s: {len(context.offices)} offices, "
            f"{len(context.areas)} areas, {len(context.technicians)} technicians, "
            f"{customers} customers, {len(context.premises_ids)} premises (seed {seed})."))
        self._print_logins(present_demo_logins())

    def _print_logins(self, logins: Sequence[DemoLogin]) -> None:
        if not logins:
            self.stdout.write("This database has no demo accounts.")
            return
        rows = [("username", "role", "office", "password"),
                *((login.username, login.role.value, login.office_code, DEMO_PASSWORD) for login in logins)]
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                 for row in rows]
        lines.insert(1, "  ".join("-" * width for width in widths))
        self.stdout.write("")
        self.stdout.write(f"Open {URL} and sign in as:")
        self.stdout.write("")
        self.stdout.write("\n".join(f"  {line}" for line in lines))
        self.stdout.write("\n  The other technicians (tech001, tech002, ...) sign in with the same password.\n")
