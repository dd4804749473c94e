import graphene


class AuditQueries(graphene.ObjectType):
    pass
