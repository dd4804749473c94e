import graphene


class StaffQueries(graphene.ObjectType):
    pass
