import graphene


class SpaProfileType(graphene.ObjectType):
    """How patients reach the spa, and its booking policy."""

    class Meta:
        name = "SpaProfile"

    contact_email = graphene.String(required=True)
    contact_phone = graphene.String(required=True, description="E.164, or empty.")
    website = graphene.String(required=True)
    booking_policy = graphene.String(required=True)
    brand_color = graphene.String(required=True, description="#RRGGBB, or empty.")
