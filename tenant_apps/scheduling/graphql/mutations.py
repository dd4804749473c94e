import graphene


class SchedulingMutations(graphene.ObjectType):
    pass
