import graphene


class StaffMutations(graphene.ObjectType):
    pass
