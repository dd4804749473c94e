import graphene


class ClientQueries(graphene.ObjectType):
    pass
