"""A tenant URL conf whose schema has a mutation, for testing the read-only gate
before the product's own mutations exist (they need authentication, which the
accounts issue adds)."""

import graphene
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.schema_tenant import Query
from core.graphql.view import PlatformGraphQLView
from tenant_apps.profile.services import profile_update


class SetBrandColor(graphene.Mutation):
    class Arguments:
        color = graphene.String(required=True)

    brand_color = graphene.String()

    @staticmethod
    def mutate(root, info, color):
        return SetBrandColor(brand_color=profile_update(brand_color=color).brand_color)


class Explode(graphene.Mutation):
    ok = graphene.Boolean()

    @staticmethod
    def mutate(root, info):
        profile_update(brand_color="#000000")
        raise RuntimeError("patient Jane Doe, DOB 1980-01-01")  # must never reach the client


class ExplodeInDatabase(graphene.Mutation):
    """Fails in PostgreSQL with the offending value in the error's DETAIL."""

    class Arguments:
        email = graphene.String(required=True)

    ok = graphene.Boolean()

    @staticmethod
    def mutate(root, info, email):
        from shared_apps.accounts.models import User

        User.objects.create(email=email)
        User.objects.create(email=email)  # unique violation: DETAIL names the email
        return ExplodeInDatabase(ok=True)


class Mutation(graphene.ObjectType):
    set_brand_color = SetBrandColor.Field()
    explode = Explode.Field()
    explode_in_database = ExplodeInDatabase.Field()


schema = graphene.Schema(query=Query, mutation=Mutation)


def boom(request):
    """A plain view failing with patient data in its message (a 500 outside GraphQL)."""
    raise RuntimeError("chart for patient Jane Doe, DOB 1980-01-01")


urlpatterns = [
    path("graphql/", csrf_exempt(PlatformGraphQLView.as_view(schema=schema))),
    path("boom/", boom),
]
