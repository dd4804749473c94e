import graphene


class SchedulingQueries(graphene.ObjectType):
    pass
