from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from configurator.tenancy.models import ApiToken, Membership, Organisation


class Command(BaseCommand):
    help = "Create an API token for a member of an organisation and print its key once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--organisation", required=True, help="organisation slug")
        parser.add_argument("--name", required=True, help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: options["user"]})
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user {options['user']!r}.") from exc
        try:
            organisation = Organisation.objects.get(slug=options["organisation"])
        except Organisation.DoesNotExist as exc:
            raise CommandError(f"No organisation with slug {options['organisation']!r}.") from exc
        # A token can never reach further than its user's own membership.
        if not Membership.objects.filter(user=user, organisation=organisation).exists():
            raise CommandError(f"{user} is not a member of {organisation.slug}.")
        token, key = ApiToken.objects.issue(
            user=user, organisation=organisation, name=options["name"]
        )
        self.stdout.write(f"Token {token.name!r} for {user} @ {organisation.slug}:")
        self.stdout.write(key)
        self.stdout.write("Store it now: it is not shown again.")
