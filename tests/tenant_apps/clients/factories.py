"""factory_boy factories for client records (create them with the connection on
a spa's schema: `with tenant_context(spa): ClientFactory()`)."""

import factory

from tenant_apps.clients.models import Client


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"client{n}@mail.example")
    phone = factory.Sequence(lambda n: f"+1212555{n % 10000:04}")
