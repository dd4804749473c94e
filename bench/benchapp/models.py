from django.db import models


class BenchNote(models.Model):
    text = models.CharField(max_length=100)
    extra = models.CharField(max_length=100, default="")  # added by 0002
    visits = models.PositiveIntegerField(default=0)  # added by 0003

    def __str__(self) -> str:
        return self.text
