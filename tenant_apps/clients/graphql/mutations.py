import graphene


class ClientMutations(graphene.ObjectType):
    pass
